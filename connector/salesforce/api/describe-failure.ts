/**
 * The one place a failure becomes what the operator reads: a ConnectorError with one sentence that
 * says what happened and what to do, and the right failure_type. Commands call it at their edge
 * (per stream for read, per object for check, once in main for the rest).
 */
import { ConfigError, SystemError, TransientError, asConnectorError, isConnectorError, type ConnectorError } from '../../runtime/errors.js';
import { classifyApiError } from './api-errors.js';
import {
  AnswerTooLargeError,
  MalformedAnswerError,
  OAuthError,
  PagingError,
  RedirectError,
  SalesforceApiError,
  SalesforceFailure,
  StallError,
  TransportError,
  UnreadableAnswerError,
  UnsafeUrlError,
  UntrustedInstanceError,
  BulkJobFailedError,
  ResultPageChangedError,
  type CallContext,
} from './failures.js';
import { classifyNetworkError } from './network-errors.js';
import { classifyOAuthError } from './oauth-errors.js';

const RESUMES = 'the next run continues from the last saved state';
const MB = 1024 * 1024;

/** What became of a Bulk job that delivered nothing (its id first): for the final error and for the WARN of a split window alike. */
export function bulkJobOutcome(error: BulkJobFailedError): string {
  return error.timedOut
    ? `${error.jobId} was still ${error.state} after the longest wait`
    : `${error.jobId} ended ${error.state} (${error.errorMessage ?? 'no reason given'})`;
}

export function describeFailure(error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  if (!(error instanceof SalesforceFailure)) return asConnectorError(error);
  const context: CallContext = error.context ?? { action: 'call Salesforce' };
  const opts = { internalMessage: `${context.action}: ${error.message}`, cause: error, stream: context.object };
  const on = context.object ? ` for ${context.object}` : '';

  if (error instanceof SalesforceApiError) return classifyApiError(error, context);
  if (error instanceof OAuthError) {
    if (error.error === undefined && error.status < 500 && error.status !== 429) {
      return new ConfigError(
        `${error.host} did not answer like a Salesforce org (HTTP ${error.status} from the token endpoint); check the hostname against Setup > My Domain.`,
        opts,
      );
    }
    return classifyOAuthError(error.status, { error: error.error, error_description: error.description }, error.request, error.clockSkewMs);
  }
  if (error instanceof TransportError) {
    if (error.phase === 'body') {
      return new TransientError(
        `The connection to ${error.host} kept breaking off while Salesforce was answering (${error.code}) when trying to ${context.action}; ${RESUMES}.`,
        opts,
      );
    }
    if (error.hostAnsweredBefore) {
      return new TransientError(
        `The connection to ${error.host} kept failing (${error.code}) after it had worked earlier in this run, when trying to ${context.action}; ${RESUMES}.`,
        opts,
      );
    }
    const classified = classifyNetworkError(error.code, error.host, error.message);
    return classified.failureType === 'transient_error' ? new TransientError(classified.message, opts) : new ConfigError(classified.message, opts);
  }
  if (error instanceof StallError) {
    if (error.kind === 'idle') {
      return new TransientError(
        `Salesforce kept going silent for over ${seconds(error.limitMs)} in the middle of an answer when trying to ${context.action}; ${RESUMES}.`,
        opts,
      );
    }
    return error.kind === 'slow'
      ? new TransientError(
          `Salesforce kept sending an answer too slowly (fewer than ${error.minBytes} bytes in ${seconds(error.limitMs)}) when trying to ${context.action}; ${RESUMES}.`,
          opts,
        )
      : new TransientError(
          `Salesforce took longer than ${seconds(error.limitMs)} to answer one request when trying to ${context.action}, so it was abandoned; ${RESUMES}.`,
          opts,
        );
  }
  if (error instanceof UnreadableAnswerError) {
    return new TransientError(`Salesforce kept sending unreadable or cut-off answers for ${error.path}; ${RESUMES}.`, opts);
  }
  if (error instanceof MalformedAnswerError) {
    return new SystemError(
      error.path === '/services/oauth2/token'
        ? "Salesforce answered the token request without an access token; check that the hostname is your org's My Domain host."
        : `Salesforce sent ${error.path}${on} without its ${error.missing}; please report this.`,
      opts,
    );
  }
  if (error instanceof AnswerTooLargeError) {
    return new SystemError(
      `Salesforce sent a${error.what === 'answer' ? 'n answer' : ' CSV record'} larger than the connector accepts (${Math.round(error.limitBytes / MB)} MB)${on}, which no real Salesforce answer reaches; the sync stopped at the last saved state. Please report this.`,
      opts,
    );
  }
  if (error instanceof RedirectError) return describeRedirect(error, context, opts);
  if (error instanceof BulkJobFailedError)
    return new TransientError(`Salesforce's Bulk job ${bulkJobOutcome(error)}${on}; the next run retries from the last saved state.`, opts);
  if (error instanceof ResultPageChangedError) {
    // Transient: nothing for the operator to fix, and the next run reads the window through a new job.
    return new TransientError(
      `A result page of Salesforce's Bulk job ${error.jobId}${on} changed between two downloads, so the connector stopped rather than lose or repeat a row, and the next run reads that window again.`,
      opts,
    );
  }
  if (error instanceof UntrustedInstanceError) {
    return new ConfigError(
      `The token answer from ${error.tokenHost} named ${error.shown} as the org's API host, which is not a Salesforce host, so the connector sent it nothing; set hostname to your org's My Domain host (Setup > My Domain).`,
      opts,
    );
  }
  if (error instanceof UnsafeUrlError) {
    const where = error.foreignOrigin ? `${error.shownPath} on another host (${error.foreignOrigin})` : error.shownPath;
    return new SystemError(
      `Salesforce's answer${on} pointed to ${where}, outside the org's data API, so the connector did not follow it; the sync stopped at the last saved state. Please report this.`,
      opts,
    );
  }
  if (error instanceof PagingError) {
    return new SystemError(
      `Salesforce broke the paging of a query${on} (${error.rule}); the sync stopped at the last saved state. If this repeats, please report it.`,
      opts,
    );
  }
  return asConnectorError(error);
}

function describeRedirect(error: RedirectError, context: CallContext, opts: { internalMessage: string; cause: unknown; stream?: string }): ConnectorError {
  if (!error.target) {
    return new SystemError(
      `${error.host} answered the request to ${context.action} with HTTP ${error.status} and nowhere to go; the connector makes no request that calls for that. Check for a proxy in between.`,
      opts,
    );
  }
  const to = error.target;
  if (/^http:/i.test(error.target)) {
    return new ConfigError(
      `${error.host} redirected a request to plain http (${to}); the connector never sends credentials over http. Check the hostname and any proxy in between.`,
      opts,
    );
  }
  if (error.path === '/services/oauth2/token') {
    return new ConfigError(
      `The token endpoint on ${error.host} redirected to ${to}, which usually means the hostname is not your org's My Domain host; set hostname to the host shown in Setup > My Domain (the connector never follows redirects with credentials).`,
      opts,
    );
  }
  return new ConfigError(
    `Salesforce redirected the request to ${context.action} from ${error.host} to ${to}; if your org's My Domain changed, set hostname to the new host (the connector never follows redirects with credentials).`,
    opts,
  );
}

function seconds(ms: number): string {
  if (ms >= 120_000) return `${Math.round(ms / 60_000)} minutes`;
  return ms >= 10_000 ? `${Math.round(ms / 1000)} seconds` : `${(ms / 1000).toFixed(1)} seconds`;
}
