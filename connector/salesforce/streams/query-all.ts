/**
 * Objects that refuse queryAll: Salesforce answers the call (REST or a Bulk job) with one of these
 * codes, and the object is then read with query, which cannot show soft-deleted records.
 */
import type { Log } from '../../runtime/source.js';
import { SalesforceApiError } from '../api/failures.js';
import type { ReadChoices } from './pages.js';

const QUERY_ALL_REFUSALS = new Set(['INVALID_TYPE_FOR_OPERATION', 'EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION']);

export function refusesQueryAll(error: unknown): error is SalesforceApiError {
  return error instanceof SalesforceApiError && error.status === 400 && QUERY_ALL_REFUSALS.has(error.errorCode);
}

/** Records the refusal for the rest of the stream's read, and says so once. */
export async function fallBackToQuery(object: string, error: SalesforceApiError, choices: ReadChoices, log: Log): Promise<void> {
  choices.includeDeleted = false;
  await log(
    'WARN',
    `${object}: Salesforce refuses queryAll on this object (${error.errorCode}), so it is read with query: records deleted since the last sync are not visible for ${object}.`,
  );
}
