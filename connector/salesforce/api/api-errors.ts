/**
 * Salesforce REST errors: reading an error answer into a SalesforceApiError, and the pure mapping
 * from (status, errorCode) to an operator-facing ConnectorError with the right failure_type.
 */
import { ConfigError, SystemError, TransientError, type ConnectorError } from '../../runtime/errors.js';
import { SalesforceApiError, type CallContext } from './failures.js';

/** Longest piece of an unrecognised error body kept (after secrets were masked in it). */
const BODY_EXCERPT_CHARS = 200;

/**
 * Salesforce answers with `[{"errorCode","message"}]`; edge proxies sometimes with HTML or nothing.
 * `body` must already be redacted: it is cut here.
 */
export function parseErrorBody(status: number, body: string, path: string, retryAfterMs?: number): SalesforceApiError {
  try {
    const parsed: unknown = JSON.parse(body);
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    if (first && typeof first === 'object') {
      const { errorCode, message } = first as { errorCode?: unknown; message?: unknown };
      if (typeof errorCode === 'string') return new SalesforceApiError(status, errorCode, String(message ?? '').slice(0, 2000), path, retryAfterMs);
    }
  } catch {
    // not JSON: fall through to a code derived from the status
  }
  const code = status === 404 ? 'NOT_FOUND' : status >= 500 ? 'SERVER_ERROR' : `HTTP_${status}`;
  return new SalesforceApiError(status, code, body.slice(0, BODY_EXCERPT_CHARS), path, retryAfterMs);
}

/** Only the last line of a SOQL error is the reason; the rest echoes the query with a caret. */
function soqlReason(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? message;
}

export function classifyApiError(error: SalesforceApiError, context: CallContext): ConnectorError {
  const internalMessage = `${context.action}: ${error.message}`;
  const opts = { internalMessage, cause: error, stream: context.object };
  const object = context.object ?? 'the object';
  switch (error.errorCode) {
    case 'API_CURRENTLY_DISABLED':
    case 'API_DISABLED_FOR_ORG':
      return new ConfigError(
        error.errorCode === 'API_DISABLED_FOR_ORG'
          ? "The org's edition does not allow API access; use an edition with the API (Enterprise, Unlimited, Developer or Performance) or ask Salesforce to enable it."
          : 'The integration user may not use the API; give it the "API Enabled" permission in its profile or a permission set.',
        opts,
      );
    case 'INVALID_TYPE':
    case 'NOT_FOUND':
      if (context.object) {
        return new ConfigError(
          `The integration user cannot read ${object}; grant Read on ${object} in a permission set (whose licence matches the user's) and assign it to the user, or remove ${object} from the objects option.`,
          opts,
        );
      }
      break;
    case 'INVALID_FIELD':
      return new ConfigError(`Salesforce rejected a field of ${object} (${soqlReason(error.sfMessage)}); run discover again and refresh the catalog.`, opts);
    case 'REQUEST_LIMIT_EXCEEDED':
      if (/concurrent/i.test(error.sfMessage)) {
        return new TransientError(
          'Salesforce refused the call because the org has too many long-running requests at once; lower num_workers, and the next run continues.',
          opts,
        );
      }
      return new TransientError(
        "The org's API request limit is exhausted; the sync stops and the next run continues once Salesforce's rolling 24-hour usage drops.",
        opts,
      );
    case 'INVALID_SESSION_ID':
      return new ConfigError(
        'Salesforce rejects every fresh session token; check that the integration user is active, not frozen, and has the "API Enabled" permission.',
        opts,
      );
    case 'QUERY_TIMEOUT':
      return new TransientError(`Salesforce timed out running the query for ${object}; the next run retries from the last saved state.`, opts);
    case 'INVALID_QUERY_LOCATOR':
      return new TransientError(`Salesforce discarded the query cursor for ${object}; the next run continues from the last saved state.`, opts);
    case 'MALFORMED_QUERY':
      return new SystemError(`The connector built a query for ${object} that Salesforce cannot parse; please report this.`, opts);
    default:
      break;
  }
  if (error.status === 410) {
    return new SystemError('Salesforce has retired the API version this connector uses; upgrade the connector.', opts);
  }
  if (error.status >= 500 || error.status === 420 || error.status === 429 || error.status === 408) {
    return new TransientError(
      `Salesforce is unavailable (HTTP ${error.status} ${error.errorCode}) while trying to ${context.action}; the next run continues from the last saved state.`,
      opts,
    );
  }
  if (error.status === 403) {
    return new ConfigError(`Salesforce refused to ${context.action} (${error.errorCode}: ${error.sfMessage}); check the integration user's permissions.`, opts);
  }
  return new SystemError(`Salesforce answered ${error.status} ${error.errorCode} to ${context.action}; see the internal message.`, opts);
}
