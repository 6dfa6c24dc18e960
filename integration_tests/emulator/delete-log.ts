/**
 * The org's delete log and the Get Deleted resource (`GET …/sobjects/{Object}/deleted/?start=&end=`).
 *
 * Salesforce lists a deleted record while it sits in the Recycle Bin (a soft delete: queryAll still
 * shows it) and after it left it (purged, or hard-deleted through the API: no query sees it any more),
 * for at most the last 15 days, and from no earlier than the last time the Recycle Bin was emptied.
 * Soft-deleted rows are read from the store (their SystemModstamp is the deletion time); purged and
 * hard-deleted ones are kept here.
 */
import type { SObjectName, SRecord } from './field-catalog.js';
import { SalesforceError } from './errors.js';
import { formatDateTime, normalizeDateTimeLiteral, parseStoredDateTime } from './sf-time.js';

export const RETENTION_MS = 15 * 86_400_000;
/** Salesforce's own limit on the ids one answer may list. */
export const DEFAULT_DELETED_ID_LIMIT = 600_000;
const MINUTE_MS = 60_000;

export interface DeletedEntry {
  id: string;
  /** ms since the epoch */
  at: number;
}

export interface DeletedAnswer {
  deletedRecords: { id: string; deletedDate: string }[];
  earliestDateAvailable: string;
  latestDateCovered: string;
}

const replicationDate = (message: string) => new SalesforceError(400, 'INVALID_REPLICATION_DATE', message);

/** Get Deleted ignores seconds: both bounds count from the start of their minute. */
const toMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

function parseBound(url: URL, name: 'start' | 'end'): number {
  const raw = url.searchParams.get(name);
  if (raw === null) throw new SalesforceError(400, 'MALFORMED_QUERY', `Missing required parameter: ${name}`);
  const stored = normalizeDateTimeLiteral(raw);
  if (stored === null) throw new SalesforceError(400, 'MALFORMED_QUERY', `${name}: Unable to parse dateTime '${raw}'`);
  return toMinute(parseStoredDateTime(stored));
}

export class DeleteLog {
  private readonly purged = new Map<SObjectName, DeletedEntry[]>();
  /** When each object's Recycle Bin was last emptied: nothing deleted before then is listed. */
  private readonly emptiedAt = new Map<SObjectName, number>();

  constructor(
    /** objects whose Get Deleted answers 404 NOT_FOUND (not every object can be replicated) */
    private readonly unsupported: ReadonlySet<SObjectName>,
    /** more ids than this in one answer: 400 EXCEEDED_ID_LIMIT */
    public idLimit: number = DEFAULT_DELETED_ID_LIMIT,
  ) {}

  /** How far behind now the log is complete (deletes still being written): latestDateCovered stops there. */
  lagMs = 0;

  /** A record that left the org for good (purged from the Recycle Bin, or hard-deleted) at `at`. */
  record(object: SObjectName, id: string, at: number): void {
    let list = this.purged.get(object);
    if (!list) this.purged.set(object, (list = []));
    list.push({ id, at });
  }

  /** Emptying the Recycle Bin at `at`: no deletion before then can be listed any more. */
  empty(object: SObjectName, at: number): void {
    this.emptiedAt.set(object, at);
    this.purged.set(
      object,
      (this.purged.get(object) ?? []).filter((e) => e.at >= at),
    );
  }

  earliestAvailable(object: SObjectName, now: number): number {
    return toMinute(Math.max(now - RETENTION_MS, this.emptiedAt.get(object) ?? 0));
  }

  /** The resource's answer for `rows` (the object's live and soft-deleted rows) at `now`. */
  answer(object: SObjectName, rows: readonly SRecord[], url: URL, now: number): DeletedAnswer {
    if (this.unsupported.has(object)) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const start = parseBound(url, 'start');
    const end = parseBound(url, 'end');
    if (end - start <= MINUTE_MS) throw replicationDate('startDate must chronologically precede endDate by more than one minute');
    const earliest = this.earliestAvailable(object, now);
    if (start < earliest) throw replicationDate(`startDate is before the earliest date available, ${formatDateTime(earliest)}; resync your data`);
    const covered = Math.min(end, toMinute(now - this.lagMs));
    const entries: DeletedEntry[] = [...(this.purged.get(object) ?? [])];
    for (const row of rows) {
      if (row.IsDeleted === true && typeof row.SystemModstamp === 'string') entries.push({ id: String(row.Id), at: parseStoredDateTime(row.SystemModstamp) });
    }
    const listed = entries.filter((e) => e.at >= start && e.at < covered).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    if (listed.length > this.idLimit)
      throw new SalesforceError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${this.idLimit} records into this call`);
    return {
      deletedRecords: listed.map((e) => ({ id: e.id, deletedDate: formatDateTime(e.at) })),
      earliestDateAvailable: formatDateTime(earliest),
      latestDateCovered: formatDateTime(covered),
    };
  }
}
