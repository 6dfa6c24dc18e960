/**
 * The guarantees a STATE rests on, checked on every page before it is written: records arrive in
 * (cursor, Id) order across the whole stream (Id order for a stream without cursor), and every
 * cursor value is a date-time. A
 * page that goes backwards would let a STATE claim records not yet written, so it stops the stream
 * before its records or STATE go out. A record without a valid stamp is still delivered (its data is
 * real), with SystemModstamp null, and never becomes the cursor. A stamp far in the future counts as
 * invalid: as the cursor it would hide every real change until then.
 */
import { PRIMARY_KEY, type StreamKeys } from '../objects.js';
import { PagingError } from '../api/failures.js';
import { LEGACY_CURSOR, asInstant } from '../state/cursor.js';
import { EncodedRecord } from '../../runtime/encoded-record.js';

export interface StampProblem {
  id: string;
  value: unknown;
}

const SHAPED_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * How far past the org's present (as its answers show it, api/org-clock.ts) a stamp may lie before it
 * counts as from the future: wide, because a stamp is written by whichever clock the org trusts.
 */
export const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

export class PageOrder {
  private last?: { stamp: string; id: string };

  constructor(
    private readonly keys: StreamKeys = { primaryKey: PRIMARY_KEY, cursor: LEGACY_CURSOR },
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Throws a PagingError when the page breaks the order; returns the records whose stamp was invalid.
   * An `unordered` page (a Bulk window, a unit of its own) is checked for valid stamps only, and the
   * order starts afresh after it.
   */
  check(records: Array<Record<string, unknown>>, unordered = false): StampProblem[] {
    const { cursor, primaryKey } = this.keys;
    if (!primaryKey) return []; // no Id, no order: such a stream is read whole, in one go
    if (unordered) this.last = undefined;
    if (!cursor) {
      if (!unordered) this.checkIds(records, primaryKey);
      return [];
    }
    const problems: StampProblem[] = [];
    // Once per page, not per record: the latest stamp accepted, as a string the stamps compare with.
    const latest = new Date(this.now() + FUTURE_SLACK_MS).toISOString();
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const raw = record[cursor];
      // The shapers already wrote stamps as 24-character UTC: those need no rewriting, only a validity check.
      const stamp = typeof raw === 'string' && SHAPED_UTC.test(raw) ? (Number.isNaN(Date.parse(raw)) ? undefined : raw) : asInstant(raw);
      const id = String(record[primaryKey]);
      if (stamp === undefined || stamp > latest) {
        problems.push({ id, value: raw });
        // A record still in its page's bytes is decoded, so that what goes out says null too.
        if (record instanceof EncodedRecord) records[i] = { ...record.decode(), [cursor]: null };
        else record[cursor] = null;
        continue;
      }
      if (unordered) continue;
      const last = this.last;
      // ISO-8601 UTC strings of one length compare as their instants do.
      if (last && (stamp < last.stamp || (stamp === last.stamp && idNotAfter(id, last.id)))) {
        throw new PagingError(`record ${id} (${cursor} ${stamp}) came after ${last.id} (${last.stamp}), out of (${cursor}, Id) order`);
      }
      this.last = { stamp, id };
    }
    return problems;
  }

  private checkIds(records: Array<Record<string, unknown>>, key: string): void {
    for (const record of records) {
      const id = String(record[key]);
      if (this.last && idNotAfter(id, this.last.id)) throw new PagingError(`record ${id} came after ${this.last.id}, out of Id order`);
      this.last = { stamp: '', id };
    }
  }
}

/**
 * Within one SystemModstamp, whether `id` fails to come after `previous`. Salesforce documents text
 * sorting as case-insensitive but Ids are case-sensitive, so only an order that is backwards both
 * ways (or a repeated Id) is called a violation: a true one is caught, a real org is never refused.
 */
function idNotAfter(id: string, previous: string): boolean {
  if (id === previous) return true;
  return id < previous && id.toLowerCase() <= previous.toLowerCase();
}
