/**
 * The org's clock, as its answers show it. Salesforce stamps changes and deletions with its own
 * clock, so a position it will compare with those stamps (where Get Deleted starts and ends) must be
 * a time on that clock, not on this machine's: with the org ten minutes behind us, a position taken
 * from our clock would lie ten minutes in the org's future, and every deletion stamped before it
 * would never be listed.
 *
 * Every answer carries a `Date` header: the org's time when it wrote the answer, truncated to the
 * second. The answer was written after our request left and arrives here after it was written, so
 * when it arrives the org's clock reads at least that Date. From then on the time elapsed is counted
 * on this process's monotonic clock (a jump of the wall clock moves nothing), which gives a time the
 * org has certainly reached: never ahead of the org, and behind it by no more than the Date's second
 * plus the answer's time in transit. Being behind is the safe side for every use: Get Deleted
 * positions start a little early (its minutes overlap anyway) and end where the org has been.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The `Date` of an answer in epoch ms; undefined when absent or unreadable. */
export function answerDate(headers: IncomingHttpHeaders): number | undefined {
  const value = headers.date;
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export class OrgClock {
  /** the latest answer's Date, and the monotonic time it arrived */
  private seen?: { orgMs: number; at: number };

  constructor(
    private readonly monotonic: () => number = () => performance.now(),
    private readonly wall: () => number = Date.now,
  ) {}

  /**
   * An answer's headers, read as they arrive. The latest one is kept rather than the tightest of
   * all: should the org's clock be stepped back during a run, an older bound would run ahead of it.
   */
  observe(headers: IncomingHttpHeaders): void {
    const orgMs = answerDate(headers);
    if (orgMs !== undefined) this.seen = { orgMs, at: this.monotonic() };
  }

  /** Whether an answer has shown the org's time yet. */
  get known(): boolean {
    return this.seen !== undefined;
  }

  /**
   * A time (epoch ms) the org's clock has reached. Before any answer with a Date (a proxy that
   * strips it; RFC 9110 has every origin server with a clock send one), this machine's clock.
   */
  now(): number {
    return this.seen ? this.seen.orgMs + Math.max(0, this.monotonic() - this.seen.at) : this.wall();
  }
}
