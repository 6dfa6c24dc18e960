/**
 * The operator's num_workers as a count of connections at work. Every stream read holds one for as
 * long as it runs (the runtime starts no more streams than num_workers); a stream that can read one
 * window through several connections at once (Bulk result pages in parallel) borrows what is free,
 * never waiting for more, and gives it back when the window is read. A stream about to start waits
 * while borrowed slots are out, so the total never passes num_workers.
 */
export class ConnectionSlots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** One slot, when one is free. */
  async take(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Up to `wanted` slots, as many as are free now (none while a stream waits for one). */
  borrow(wanted: number): number {
    if (this.waiting.length) return 0;
    const granted = Math.max(0, Math.min(wanted, this.limit - this.used));
    this.used += granted;
    return granted;
  }

  give(count = 1): void {
    for (let i = 0; i < count; i++) {
      const next = this.waiting.shift();
      // A waiting stream takes the slot over as it is.
      if (next) next();
      else this.used--;
    }
  }
}
