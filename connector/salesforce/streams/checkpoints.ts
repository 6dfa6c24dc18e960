/**
 * What each page of a stream amounts to for the runtime: the records to deliver, and the stream
 * state that covers exactly them. Tracks the cursor (the newest SystemModstamp delivered) and the
 * run's position (the last record read) so the reader can resume precisely after it.
 */
import type { StreamSink } from '../../runtime/source.js';
import type { StreamKeys } from '../objects.js';
import { CURSOR_FIELD_KEY, RECENT_STATE_KEY, laterOf } from '../state/cursor.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';

export interface Position {
  /** absent for a stream without cursor, ordered by Id alone */
  stamp?: string;
  id: string;
}

export class StreamCheckpoints {
  cursor?: string;
  position?: Position;
  /** State kept beside the cursor (deletions_through, formula_refreshed_at): in every state written. */
  readonly carried: Record<string, string> = {};

  constructor(
    private readonly sink: StreamSink,
    private readonly incremental: boolean,
    inputCursor: string | undefined,
    private readonly recent: RecentDeliveries = new RecentDeliveries(),
    private readonly keys: StreamKeys = { primaryKey: 'Id', cursor: 'SystemModstamp' },
  ) {
    this.cursor = incremental ? inputCursor : undefined;
  }

  /**
   * `page` is already shaped, checked and ordered by (cursor, Id); a record whose stamp was not
   * valid carries a null cursor (see page-order.ts) and never moves the cursor or the position. A
   * stream without cursor only tracks the last Id read; one without Id tracks nothing. Versions an earlier run delivered inside the look-back window are skipped; the page
   * still moves the position and cursor.
   */
  async page(page: Record<string, unknown>[]): Promise<void> {
    const { cursor, primaryKey } = this.keys;
    if (!primaryKey) return this.sink.checkpoint(page, {});
    if (!cursor) {
      if (page.length) this.position = { id: String(page[page.length - 1][primaryKey]) };
      return this.sink.checkpoint(page, {});
    }
    const records = this.incremental ? page.filter((r) => r[cursor] === null || !this.recent.wasDelivered(String(r[primaryKey]), String(r[cursor]))) : page;
    if (this.incremental) for (const r of records) if (r[cursor] !== null) this.recent.add(String(r[primaryKey]), String(r[cursor]));
    const last = page.findLast((r) => typeof r[cursor] === 'string');
    if (last) {
      this.position = { stamp: String(last[cursor]), id: String(last[primaryKey]) };
      if (this.incremental) this.cursor = laterOf(this.cursor, this.position.stamp);
    }
    await this.sink.checkpoint(records, this.state());
  }

  /**
   * Records outside the cursor order (deletion records), delivered under the current state with
   * `carry` applied (an undefined value drops a key): they move neither the cursor nor the position.
   */
  async aside(records: Record<string, unknown>[], carry: Record<string, string | undefined>): Promise<void> {
    for (const [key, value] of Object.entries(carry)) {
      if (value === undefined) delete this.carried[key];
      else this.carried[key] = value;
    }
    await this.sink.checkpoint(records, this.state());
  }

  private state(): Record<string, unknown> {
    const state: Record<string, unknown> = { ...this.carried };
    if (this.incremental && this.cursor && this.keys.cursor) {
      state[CURSOR_FIELD_KEY] = this.keys.cursor;
      state[this.keys.cursor] = this.cursor;
      const recent = this.recent.forState(this.cursor);
      if (recent) state[RECENT_STATE_KEY] = recent;
    }
    return state;
  }
}
