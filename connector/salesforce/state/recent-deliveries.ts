/**
 * The record versions delivered inside the look-back window, carried in the state so the next run
 * can skip what it reads again instead of re-sending it. A version is an (Id, SystemModstamp) pair:
 * a record changed since, or committed late with an older stamp, is a different pair and is sent.
 * Past a size cap the list is dropped and the window is simply sent again, which is still correct.
 */
import { LATE_COMMIT_LOOKBACK_MS, RECENT_STATE_KEY } from './cursor.js';

export const MAX_RECENT = 1000;
/** This run's list is pruned when it grows past this (a tie group can exceed MAX_RECENT; then it is not saved). */
const PRUNE_AT = 4 * MAX_RECENT;

export class RecentDeliveries {
  /** what an earlier run delivered, as its state said: fixed, and never larger than MAX_RECENT */
  private readonly previous = new Map<string, string>();
  /** what this run delivered, pruned to what can still fall inside the final look-back window */
  private readonly delivered = new Map<string, string>();
  private newest?: string;

  constructor(previous?: Record<string, string>) {
    if (previous) for (const [id, stamp] of Object.entries(previous)) this.previous.set(id, stamp);
  }

  /**
   * A list for records written ahead of the state (a later cursor window read at the same time,
   * window-loop.ts): it skips what the earlier run delivered, as this one does, but its own
   * deliveries stay out of this list, so neither the state nor the pruning here sees them until
   * `absorb` hands them over.
   */
  fork(): RecentDeliveries {
    const child = new RecentDeliveries();
    for (const [id, stamp] of this.previous) child.previous.set(id, stamp);
    return child;
  }

  /** Takes over what a fork delivered, once the state reaches the fork's records. */
  absorb(child: RecentDeliveries): void {
    for (const [id, stamp] of child.delivered) this.add(id, stamp);
  }

  /** The state's list, or nothing when it is missing or malformed (then nothing is skipped). */
  static fromState(state: Record<string, unknown> | undefined): RecentDeliveries {
    const raw = state?.[RECENT_STATE_KEY];
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return new RecentDeliveries();
    const entries = Object.entries(raw as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
    return new RecentDeliveries(Object.fromEntries(entries));
  }

  wasDelivered(id: string, stamp: string): boolean {
    return this.delivered.get(id) === stamp || this.previous.get(id) === stamp;
  }

  /**
   * Records arrive in cursor order, or in none (a Bulk window): either way a version older than the
   * look-back before the newest stamp seen can never be inside the final window, so it is dropped
   * once the list grows, keeping memory bounded on windows of millions of records.
   */
  add(id: string, stamp: string): void {
    this.delivered.set(id, stamp);
    if (!this.newest || stamp > this.newest) this.newest = stamp;
    if (this.delivered.size > PRUNE_AT) this.prune(this.newest);
  }

  /** What the next run needs for a cursor: the versions inside its look-back window. */
  forState(cursor: string | undefined): Record<string, string> | undefined {
    if (!cursor) return undefined;
    const floor = this.prune(cursor);
    const kept: Record<string, string> = {};
    let size = 0;
    for (const [id, stamp] of this.previous) {
      if (Date.parse(stamp) >= floor && !this.delivered.has(id)) {
        kept[id] = stamp;
        size++;
      }
    }
    for (const [id, stamp] of this.delivered) {
      kept[id] = stamp;
      size++;
    }
    if (size === 0 || size > MAX_RECENT) return undefined;
    return kept;
  }

  /**
   * Drops this run's versions older than the look-back before `stamp`; returns that floor. This
   * run's stamps are all written alike (24-character UTC, see page-order.ts), so they compare as text.
   */
  private prune(stamp: string): number {
    const floor = Date.parse(stamp) - LATE_COMMIT_LOOKBACK_MS;
    const oldest = new Date(floor).toISOString();
    for (const [id, kept] of this.delivered) if (kept < oldest) this.delivered.delete(id);
    return floor;
  }
}
