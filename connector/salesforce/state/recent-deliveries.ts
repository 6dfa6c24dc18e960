/**
 * The record versions delivered inside the look-back window, carried in the state so the next run
 * can skip what it reads again instead of re-sending it. A version is an (Id, SystemModstamp) pair:
 * a record changed since, or committed late with an older stamp, is a different pair and is sent.
 * Past a size cap the list is dropped and the window is simply sent again, which is still correct.
 */
import { LATE_COMMIT_LOOKBACK_MS, RECENT_STATE_KEY } from './cursor.js';

export const MAX_RECENT = 1000;

export class RecentDeliveries {
  private readonly delivered = new Map<string, string>();

  constructor(previous?: Record<string, string>) {
    if (previous) for (const [id, stamp] of Object.entries(previous)) this.delivered.set(id, stamp);
  }

  /** The state's list, or nothing when it is missing or malformed (then nothing is skipped). */
  static fromState(state: Record<string, unknown> | undefined): RecentDeliveries {
    const raw = state?.[RECENT_STATE_KEY];
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return new RecentDeliveries();
    const entries = Object.entries(raw as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
    return new RecentDeliveries(Object.fromEntries(entries));
  }

  wasDelivered(id: string, stamp: string): boolean {
    return this.delivered.get(id) === stamp;
  }

  add(id: string, stamp: string): void {
    this.delivered.set(id, stamp);
  }

  /** What the next run needs for a cursor: the versions inside its look-back window. */
  forState(cursor: string | undefined): Record<string, string> | undefined {
    if (!cursor) return undefined;
    const floor = Date.parse(cursor) - LATE_COMMIT_LOOKBACK_MS;
    for (const [id, stamp] of this.delivered) if (Date.parse(stamp) < floor) this.delivered.delete(id);
    if (this.delivered.size === 0 || this.delivered.size > MAX_RECENT) return undefined;
    return Object.fromEntries(this.delivered);
  }
}
