/**
 * What each page of a stream amounts to for the runtime: the records to deliver, and the stream
 * state that covers exactly them. Tracks the cursor (the newest cursor value delivered) and the
 * run's position (the last record read) so the reader can resume precisely after it.
 *
 * A full refresh keeps the same kind of state while it runs, marked in progress, so a run cut off
 * resumes it where it stopped; its last state marks it complete, and the next full refresh starts
 * over. A window read in no order (Bulk) is one unit: its pages go out under the state from before
 * the window, and only its last page moves the state.
 */
import type { StreamSink } from '../../runtime/source.js';
import type { StreamKeys } from '../objects.js';
import { CURSOR_FIELD_KEY, RECENT_STATE_KEY, laterOf } from '../state/cursor.js';
import type { SourcePage } from './pages.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';

/** The state key of a full refresh: 'in_progress' while it runs, 'complete' once it delivered everything. */
export const FULL_REFRESH_KEY = 'full_refresh';
/** In a full refresh of a stream without cursor (read in Id order), the last Id delivered. */
export const AFTER_ID_KEY = 'after_id';

export interface Position {
  /** absent for a stream without cursor, ordered by Id alone */
  stamp?: string;
  id: string;
}

export class StreamCheckpoints {
  cursor?: string;
  position?: Position;
  /** the state pages of an unordered window go out under, frozen when the window began */
  private heldState?: Record<string, unknown>;
  /** State kept beside the cursor (deletions_through, formula_refreshed_at): in every state written. */
  readonly carried: Record<string, string> = {};

  constructor(
    private readonly sink: StreamSink,
    private readonly incremental: boolean,
    inputCursor: string | undefined,
    private readonly recent: RecentDeliveries = new RecentDeliveries(),
    private readonly keys: StreamKeys = { primaryKey: 'Id', cursor: 'SystemModstamp' },
    /** a full refresh resumed after this Id (streams without cursor) */
    afterId?: string,
  ) {
    this.cursor = inputCursor;
    if (afterId) this.position = { id: afterId };
  }

  /**
   * `page` is already shaped, checked and, unless `held`/unordered, ordered by (cursor, Id); a
   * record whose stamp was not valid carries a null cursor (see page-order.ts) and never moves the
   * cursor or the position. A stream without cursor only tracks the last Id read; one without Id
   * tracks nothing. Versions delivered before inside the look-back window are skipped; the page
   * still moves the position and cursor.
   */
  async page(source: SourcePage): Promise<void> {
    const { records: page, held, unordered } = source;
    const { cursor, primaryKey } = this.keys;
    if (!primaryKey) return this.sink.checkpoint(page, {});
    if (held) this.heldState ??= this.state();
    if (!cursor) {
      if (page.length) this.position = { id: String(page[page.length - 1][primaryKey]) };
      return this.sink.checkpoint(page, this.heldState ?? this.state());
    }
    const records = page.filter((r) => r[cursor] === null || !this.recent.wasDelivered(String(r[primaryKey]), String(r[cursor])));
    for (const r of records) if (r[cursor] !== null) this.recent.add(String(r[primaryKey]), String(r[cursor]));
    const last = page.findLast((r) => typeof r[cursor] === 'string');
    if (last) this.position = { stamp: String(last[cursor]), id: String(last[primaryKey]) };
    // An ordered page ends on its newest stamp; only an unordered one needs looking through.
    this.cursor = laterOf(this.cursor, unordered ? newestStamp(page, cursor) : this.position?.stamp);
    if (!held) this.heldState = undefined;
    await this.sink.checkpoint(records, this.heldState ?? this.state());
  }

  /** Once every window is read: a full refresh says it is complete, so the next one starts over. */
  async finish(): Promise<void> {
    if (!this.incremental && this.keys.primaryKey) await this.sink.checkpoint([], { [FULL_REFRESH_KEY]: 'complete' });
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
    const { cursor, primaryKey } = this.keys;
    const state: Record<string, unknown> = { ...this.carried };
    if (!this.incremental) {
      state[FULL_REFRESH_KEY] = 'in_progress';
      if (!cursor && this.position) state[AFTER_ID_KEY] = this.position.id;
    }
    if (this.cursor && cursor && primaryKey) {
      state[CURSOR_FIELD_KEY] = cursor;
      state[cursor] = this.cursor;
      const recent = this.recent.forState(this.cursor);
      if (recent) state[RECENT_STATE_KEY] = recent;
    }
    return state;
  }
}

function newestStamp(page: readonly Record<string, unknown>[], cursor: string): string | undefined {
  let newest: string | undefined;
  for (const r of page) {
    const stamp = r[cursor];
    if (typeof stamp === 'string' && (!newest || stamp > newest)) newest = stamp;
  }
  return newest;
}
