/**
 * One WARN line per retried call, so an operator sees trouble building up before it fails a sync;
 * at most one line per QUIET_MS, the next line counting those left out, so a bad hour of outages
 * does not flood the platform's log.
 */
import type { Log } from '../../runtime/source.js';
import type { RetryEvent } from '../api/request-policy.js';

const QUIET_MS = 10_000;

export class RetryLog {
  private lastAt = -Infinity;
  private leftOut = 0;

  constructor(
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {}

  readonly note = (event: RetryEvent): void => {
    const at = this.now();
    if (at - this.lastAt < QUIET_MS) {
      this.leftOut++;
      return;
    }
    const more = this.leftOut ? ` (${this.leftOut} more ${this.leftOut === 1 ? 'retry' : 'retries'} since the last such line)` : '';
    this.lastAt = at;
    this.leftOut = 0;
    const wait = event.delayMs >= 1000 ? `${(event.delayMs / 1000).toFixed(1)} s` : `${event.delayMs} ms`;
    void this.log(
      'WARN',
      `Retrying a call that failed: ${event.context.action} got ${event.reason}; attempt ${event.attempt + 1} of ${event.attempts} in ${wait}${more}.`,
    );
  };
}
