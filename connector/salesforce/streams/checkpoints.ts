/**
 * What each page of a stream amounts to for the runtime: the records to deliver, and the stream
 * state that covers exactly them. Tracks the cursor (the newest cursor value delivered) and the
 * run's position (the last record read) so the reader can resume precisely after it.
 *
 * A full refresh keeps the same kind of state while it runs, marked in progress, so a run cut off
 * resumes it where it stopped; its last state marks it complete, and the next full refresh starts
 * over. A window read in no order (Bulk) is one unit: its pages go out under the state from before
 * the window, and only its last page moves the state.
 *
 * Windows read at the same time (window-loop.ts) are lanes, in cursor order. The state covers an
 * ordered prefix only: pages of the first unfinished lane (the head) move it as above; pages of
 * later lanes go out at once under the state as it stands, and their progress waits in the lane.
 * When the head finishes, the next lane becomes head and the state jumps to its last record written.
 * Checkpoints are handed to the runtime one at a time, in the order they happen, so a state never
 * goes out before the records it covers, whichever lane wrote them.
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

/** A cursor window's progress, read beside others (see above). */
export class Lane {
  /** the last record written in this lane: a read of its window resumes right after it */
  position?: Position;
  /** records were written while an earlier lane was unfinished: the state jumps here when this lane becomes head */
  ahead = false;
  done = false;

  constructor(
    /** versions this lane delivered while not head (RecentDeliveries.fork) */
    readonly recent: RecentDeliveries,
  ) {}
}

export class StreamCheckpoints {
  cursor?: string;
  position?: Position;
  /** lanes in cursor order, the head first; none but the one readWindows opens unless windows are read at once */
  private lanes: Lane[] = [];
  /** the last checkpoint handed on: the next waits for it */
  private written: Promise<void> = Promise.resolve();
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
  page(source: SourcePage, lane?: Lane): Promise<void> {
    return this.inTurn(() => (lane && lane !== this.lanes[0] ? this.ahead(source, lane) : this.head(source, lane)));
  }

  /**
   * `count` new lanes, in cursor order, placed before `before` (the lane whose window they divide;
   * it comes after them again) or last.
   */
  openLanes(count: number, before?: Lane): Lane[] {
    const lanes = Array.from({ length: count }, () => new Lane(this.recent.fork()));
    const at = before ? this.lanes.indexOf(before) : -1;
    this.lanes.splice(at < 0 ? this.lanes.length : at, 0, ...lanes);
    return lanes;
  }

  /**
   * The lane's window is read. When it was the head, the next unfinished lane becomes head and the
   * state jumps to what that lane (and any finished lanes before it) wrote.
   */
  close(lane: Lane): Promise<void> {
    return this.inTurn(async () => {
      lane.done = true;
      let moved = false;
      while (this.lanes[0]?.done) {
        this.lanes.shift();
        const head = this.lanes[0];
        if (!head?.ahead) continue;
        this.recent.absorb(head.recent);
        this.position = head.position;
        this.cursor = laterOf(this.cursor, head.position?.stamp);
        head.ahead = false;
        moved = true;
      }
      if (moved) await this.sink.checkpoint([], this.state());
    });
  }

  /** Runs `write` once every checkpoint asked for before it is handed on (lanes write at the same time). */
  private inTurn(write: () => Promise<void>): Promise<void> {
    const turn = this.written.then(write);
    this.written = turn.catch(() => undefined);
    return turn;
  }

  /** A page of a lane behind the head: written at once, under the state as it stands; its progress waits in the lane. */
  private async ahead(source: SourcePage, lane: Lane): Promise<void> {
    const { cursor, primaryKey } = this.keys;
    // Lanes are cursor windows read in (cursor, Id) order (window-loop.ts): nothing else gets here.
    if (!cursor || !primaryKey || source.unordered) throw new Error('only ordered pages of a stream with a cursor and an Id are read ahead');
    const records = source.records.filter((r) => r[cursor] === null || !lane.recent.wasDelivered(String(r[primaryKey]), String(r[cursor])));
    for (const r of records) if (r[cursor] !== null) lane.recent.add(String(r[primaryKey]), String(r[cursor]));
    const last = source.records.findLast((r) => typeof r[cursor] === 'string');
    if (last) {
      lane.position = { stamp: String(last[cursor]), id: String(last[primaryKey]) };
      lane.ahead = true;
    }
    await this.sink.checkpoint(records, this.state());
  }

  private async head(source: SourcePage, lane: Lane | undefined): Promise<void> {
    const { records: page, held, unordered } = source;
    const { cursor, primaryKey } = this.keys;
    if (!primaryKey) return this.sink.checkpoint(page, {});
    if (held) this.heldState ??= this.state();
    if (!cursor) {
      if (page.length) this.position = { id: String(page[page.length - 1][primaryKey]) };
      if (lane && page.length) lane.position = this.position;
      return this.sink.checkpoint(page, this.heldState ?? this.state());
    }
    const records = page.filter((r) => r[cursor] === null || !this.recent.wasDelivered(String(r[primaryKey]), String(r[cursor])));
    for (const r of records) if (r[cursor] !== null) this.recent.add(String(r[primaryKey]), String(r[cursor]));
    const last = page.findLast((r) => typeof r[cursor] === 'string');
    if (last) this.position = { stamp: String(last[cursor]), id: String(last[primaryKey]) };
    if (lane && last) lane.position = this.position;
    // An ordered page ends on its newest stamp; only an unordered one needs looking through.
    this.cursor = laterOf(this.cursor, unordered ? newestStamp(page, cursor) : this.position?.stamp);
    if (!held) this.heldState = undefined;
    await this.sink.checkpoint(records, this.heldState ?? this.state());
  }

  /** Once every window is read: a full refresh says it is complete, so the next one starts over. */
  async finish(): Promise<void> {
    if (!this.incremental && this.keys.primaryKey) await this.inTurn(() => this.sink.checkpoint([], { [FULL_REFRESH_KEY]: 'complete' }));
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
    await this.inTurn(() => this.sink.checkpoint(records, this.state()));
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
