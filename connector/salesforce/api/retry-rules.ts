/**
 * Which failures are worth another attempt, and how long to wait first. Pure: the request policy
 * applies these to every call; nothing else decides.
 */
import { OAuthError, SalesforceApiError, StallError, TransportError, UnreadableAnswerError, type SalesforceFailure } from './failures.js';

/** Outages, edge rate limits and gateway errors (Salesforce's own daily limit is a 403, not here). */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([408, 420, 429, 500, 502, 503, 504]);

/**
 * Failures to reach a host that a retry cannot fix: the name does not resolve, nothing listens, the
 * certificate is not trusted, the port does not speak TLS. Failing fast points at the hostname; once
 * the host has answered in this run, the same codes are a blip (a load balancer restarting) and retried.
 */
export const PERMANENT_CONNECT_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'ECONNREFUSED',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
]);

export interface RetryTiming {
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
  maxRetryAfterMs: number;
}

/**
 * Whether another attempt may succeed. Redirects, refused URLs, oversized answers, a call that used
 * its whole deadline and every 4xx Salesforce means are final: repeating them gives the same answer.
 */
export function isRetriable(failure: SalesforceFailure): boolean {
  if (failure instanceof TransportError) return failure.phase !== 'connect' || failure.hostAnsweredBefore || !PERMANENT_CONNECT_CODES.has(failure.code);
  if (failure instanceof StallError) return failure.kind !== 'deadline';
  if (failure instanceof UnreadableAnswerError) return true;
  if (failure instanceof SalesforceApiError) {
    return (RETRIED_STATUSES.has(failure.status) && failure.errorCode !== 'REQUEST_LIMIT_EXCEEDED') || isConcurrencyLimit(failure);
  }
  if (failure instanceof OAuthError) return failure.status >= 500 || failure.status === 429;
  return false;
}

/**
 * Salesforce's limit on long-running requests at once in the org (403 REQUEST_LIMIT_EXCEEDED,
 * "ConcurrentPerOrgLongTxn Limit exceeded."): unlike the daily limit it passes as other requests
 * finish, so it is waited out like an outage.
 */
export function isConcurrencyLimit(failure: SalesforceFailure): boolean {
  return failure instanceof SalesforceApiError && failure.errorCode === 'REQUEST_LIMIT_EXCEEDED' && /concurrent/i.test(failure.sfMessage);
}

/**
 * Whether a retried failure is the server holding us back (a rate limit, the concurrency limit, or
 * any answer that names its own wait with Retry-After) rather than an outage: the stream then says
 * it is rate limited while it waits.
 */
export function isRateLimit(failure: SalesforceFailure): boolean {
  if (failure instanceof SalesforceApiError) return failure.status === 429 || isConcurrencyLimit(failure) || failure.retryAfterMs !== undefined;
  if (failure instanceof OAuthError) return failure.status === 429 || failure.retryAfterMs !== undefined;
  return false;
}

/**
 * The pause before attempt `failures + 1`: exponential from the base, capped, with jitter so that
 * many streams hit by one outage do not come back in step; never shorter than a Retry-After.
 * Undefined when the server asks for a longer pause than we are willing to sleep through.
 */
export function retryDelayMs(failures: number, timing: RetryTiming, retryAfterMs: number | undefined, random = Math.random()): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > timing.maxRetryAfterMs) return undefined;
  const exponential = Math.min(timing.maxRetryDelayMs, timing.baseRetryDelayMs * 2 ** (failures - 1));
  const jittered = Math.round(exponential * (0.5 + random / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Retry-After as milliseconds: seconds or an HTTP date; absent or unreadable is undefined. A date is
 * the server's clock: it is measured from the same answer's Date (`answeredAt`) when there is one,
 * so a clock skew between the org and this machine neither shortens nor lengthens the wait.
 */
export function parseRetryAfter(header: string | string[] | undefined, answeredAt = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - answeredAt);
}

/** A few words on what failed, for the retry log line. */
export function failureSummary(failure: SalesforceFailure): string {
  if (failure instanceof SalesforceApiError) return `HTTP ${failure.status} ${failure.errorCode}`;
  if (failure instanceof OAuthError) return `token endpoint HTTP ${failure.status}`;
  if (failure instanceof TransportError) return failure.phase === 'body' ? `${failure.code} while receiving the answer` : `${failure.code} before any answer`;
  if (failure instanceof StallError) {
    const span = failure.limitMs < 1000 ? `${failure.limitMs} ms` : `${Math.round(failure.limitMs / 1000)} s`;
    return failure.kind === 'slow' ? `fewer than ${failure.minBytes} bytes in ${span}` : `no data for ${span}`;
  }
  if (failure instanceof UnreadableAnswerError) return 'an answer cut off or unreadable';
  return failure.name;
}
