/**
 * Hard deletes. A record purged from the Recycle Bin (emptied by a user, or after 15 days) or
 * hard-deleted through the API never reaches queryAll again, so an incremental read alone would
 * leave it in the destination forever. After each incremental read, the Get Deleted resource lists
 * the ids deleted since the last one; each becomes a record with IsDeleted true and the deletion time
 * in `_ab_cdc_deleted_at`, which dedup destinations treat as a delete.
 *
 * Salesforce keeps that log for 15 days at most (less once the Recycle Bin is emptied), ignores the
 * seconds of both bounds, wants them more than a minute apart, and refuses an answer of more than
 * 600,000 ids (EXCEEDED_ID_LIMIT): the window is then halved.
 */
import type { Log } from '../../runtime/source.js';
import type { SalesforceClient } from '../api/client.js';
import { SalesforceApiError } from '../api/failures.js';
import type { DeletedPage, DescribeResult } from '../api/types.js';
import { asInstant } from '../state/cursor.js';

/** The stream state key of how far deletions were read (Get Deleted's latestDateCovered). */
export const DELETIONS_STATE_KEY = 'deletions_through';
/** The field dedup destinations read a delete from (Airbyte's CDC convention). */
export const DELETED_AT_FIELD = '_ab_cdc_deleted_at';

export const DELETE_LOG_RETENTION_MS = 15 * 86_400_000;
const MINUTE_MS = 60_000;
/** Salesforce wants start before end by more than a minute. */
const SHORTEST_WINDOW_MS = 2 * MINUTE_MS;
/** How far inside the 15 days we start, so the org, a little past the time its answers showed, never sees a start outside them. */
const RETENTION_MARGIN_MS = 10 * MINUTE_MS;

/** Records, then the state keys to carry with them (undefined removes a key). */
export type DeliverDeletions = (records: Record<string, unknown>[], carry: Record<string, string | undefined>) => Promise<void>;

export interface DeletionRead {
  client: SalesforceClient;
  log: Log;
  object: string;
  /** the stream's cursor field: a deletion record carries its deletion time there too */
  cursor: string;
  deliver: DeliverDeletions;
}

/** Salesforce keeps no delete log for an object whose describe says it cannot be replicated. */
export function listsDeletions(describe: DescribeResult): boolean {
  return describe.replicateable !== false;
}

/**
 * Where this run's deletions start: the saved position, or, on a stream's first incremental run, the
 * time its read started on the org's clock (what was deleted before is not in what was read; what is
 * deleted during the read is listed next time). Salesforce compares it with its own deletion stamps,
 * so this machine's clock would lose every deletion up to the skew after it when the org is behind.
 */
export function deletionsFrom(streamState: Record<string, unknown> | undefined, readStartedAt: string): string {
  return asInstant(streamState?.[DELETIONS_STATE_KEY]) ?? readStartedAt;
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
const ceilMinute = (ms: number) => Math.ceil(ms / MINUTE_MS) * MINUTE_MS;
const iso = (ms: number) => new Date(ms).toISOString();
/** The form Salesforce documents for these bounds (`2013-05-05T00:00:00+00:00`); seconds are whole minutes here anyway. */
const bound = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, '+00:00');

/** The record a deleted id becomes: Id, IsDeleted, and the deletion time as cursor and as `_ab_cdc_deleted_at`. */
export function deletionRecord(id: string, deletedDate: string, cursor: string): Record<string, unknown> {
  const at = asInstant(deletedDate) ?? deletedDate;
  return { Id: id, IsDeleted: true, [cursor]: at, [DELETED_AT_FIELD]: at };
}

/** Codes with which Salesforce says an object has no Get Deleted (besides a 404). */
const UNSUPPORTED_CODES = new Set(['INVALID_TYPE', 'NOT_FOUND', 'INVALID_TYPE_FOR_OPERATION', 'API_DISABLED_FOR_ORG']);

export function refusesGetDeleted(error: unknown): error is SalesforceApiError {
  if (!(error instanceof SalesforceApiError) || error.errorCode === 'INVALID_REPLICATION_DATE') return false;
  return error.status === 404 || UNSUPPORTED_CODES.has(error.errorCode) || /replicat/i.test(error.sfMessage);
}

const isCode = (error: unknown, code: string): boolean => error instanceof SalesforceApiError && error.errorCode === code;

/** Halves a window of `span` ms, in whole minutes; undefined when it cannot get any shorter. */
export function halveSpan(span: number): number | undefined {
  const half = floorMinute(span / 2);
  return half >= SHORTEST_WINDOW_MS ? half : undefined;
}

/** `items` in parts of `size`, in order; one empty part when there are none. */
export function parts<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length ? out : [[]];
}

/**
 * Reads and delivers the deletions from `savedFrom` to now, on the org's clock: an end past the
 * org's present would be cut to it by latestDateCovered anyway, but one short of it (the org ahead
 * of us) would leave the last minutes to a later run, and the 15 days are counted by the org.
 */
export async function readDeletions(read: DeletionRead, savedFrom: string, now = read.client.orgClock.now()): Promise<void> {
  const { client, log, object } = read;
  const end = floorMinute(now);
  let from = floorMinute(Date.parse(savedFrom));
  const kept = ceilMinute(now - DELETE_LOG_RETENTION_MS + RETENTION_MARGIN_MS);
  if (from < kept) {
    await warnGap(log, object, from, kept);
    from = kept;
  }
  try {
    await readWindows(read, from, end, from !== floorMinute(Date.parse(savedFrom)));
  } catch (error) {
    if (refusesGetDeleted(error)) {
      await log(
        'INFO',
        `${object}: Salesforce does not list deleted records for ${object} (${error.errorCode}), so records purged or hard-deleted are not reported for it.`,
      );
      return read.deliver([], { [DELETIONS_STATE_KEY]: undefined });
    }
    if (!isCode(error, 'INVALID_REPLICATION_DATE')) throw error;
    // The Recycle Bin was emptied since: ask what is still kept, then read from there.
    const earliest = await earliestKept(client, object, end);
    const resume = earliest === undefined ? end : Math.max(from, ceilMinute(Date.parse(earliest)));
    if (resume <= from) throw error;
    await warnGap(log, object, from, resume);
    if (earliest === undefined) return read.deliver([], { [DELETIONS_STATE_KEY]: iso(end) });
    await readWindows(read, resume, end, true);
  }
}

/** Windows from `from` to `end`, each delivered with how far it covered; halved while Salesforce finds too many ids. */
/** `moved`: `from` is not the saved position (a gap was skipped), so it is saved even when nothing is read. */
async function readWindows(read: DeletionRead, from: number, end: number, moved: boolean): Promise<void> {
  const { client, log, object, cursor, deliver } = read;
  const start = from;
  // Too short a window to ask about (runs a minute apart): the saved position stays.
  if (end - from < SHORTEST_WINDOW_MS) return moved ? deliver([], { [DELETIONS_STATE_KEY]: iso(from) }) : undefined;
  let span = end - from;
  let listed = 0;
  while (end - from >= SHORTEST_WINDOW_MS) {
    const to = Math.min(from + span, end);
    let page: DeletedPage;
    try {
      page = await client.getDeleted(object, bound(from), bound(to));
    } catch (error) {
      const shorter = isCode(error, 'EXCEEDED_ID_LIMIT') ? halveSpan(to - from) : undefined;
      if (shorter === undefined) throw error;
      await log('INFO', `${object}: more deleted records between ${iso(from)} and ${iso(to)} than Salesforce lists at once; reading them in shorter windows.`);
      span = shorter;
      continue;
    }
    const reported = asInstant(page.latestDateCovered);
    const covered = reported ? Math.min(to, Date.parse(reported)) : to;
    const records = page.deletedRecords.map((r) => deletionRecord(String(r.id), String(r.deletedDate), cursor));
    listed += records.length;
    // Only the last part moves the saved position: the state after it covers the whole window.
    const all = parts(records, client.settings.deletionsPerCheckpoint);
    for (const [i, part] of all.entries()) await deliver(part, i === all.length - 1 ? { [DELETIONS_STATE_KEY]: iso(Math.max(covered, from)) } : {});
    // Covering less than asked means deletes still in progress there: the next run starts from it.
    if (covered < to) break;
    from = covered;
  }
  if (listed) await log('INFO', `${object}: ${listed} records deleted from ${iso(start)} on, as listed by Salesforce.`);
}

/** What the delete log still holds, from a two-minute window ending now; undefined when even that is refused. */
async function earliestKept(client: SalesforceClient, object: string, end: number): Promise<string | undefined> {
  try {
    const page = await client.getDeleted(object, bound(end - SHORTEST_WINDOW_MS), bound(end));
    return asInstant(page.earliestDateAvailable);
  } catch (error) {
    if (isCode(error, 'INVALID_REPLICATION_DATE')) return undefined;
    throw error;
  }
}

async function warnGap(log: Log, object: string, from: number, to: number): Promise<void> {
  await log(
    'WARN',
    `${object}: deletions between ${iso(from)} and ${iso(to)} could not be read (Salesforce keeps deleted records for 15 days at most, less once the Recycle Bin is emptied); run a full refresh of ${object} to drop records deleted then.`,
  );
}
