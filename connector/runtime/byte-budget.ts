/**
 * One budget of bytes in flight for a whole read, shared by every stream: pages requested ahead,
 * pages parsed and waiting for the writer, Bulk rows gathered into a page. Memory then stays bounded
 * by the budget, not by workers × page size × prefetch depth. Work that would go over it waits (in
 * arrival order) until other work hands its bytes back. A request made while nothing at all is in
 * flight always gets its bytes, however many: a single page larger than the budget is still read,
 * and the read can never wait on itself.
 */

export class Lease {
  private released = false;
  /** bytes really here: none while the page is only reserved, its real size once `resize` says it */
  private held = 0;

  constructor(
    private readonly budget: ByteBudget,
    public bytes: number,
  ) {}

  /** The real size once known (a page's body read): growing never waits, the bytes are already here. */
  resize(bytes: number): void {
    if (this.released) return;
    this.budget.adjust(bytes - this.bytes, bytes - this.held);
    this.bytes = bytes;
    this.held = bytes;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.adjust(-this.bytes, -this.held);
  }
}

interface Waiter {
  bytes: number;
  grant: (lease: Lease) => void;
}

export class ByteBudget {
  /** bytes reserved, the ones only asked for included: what admission counts */
  private used = 0;
  /** bytes actually here (pages read, rows gathered), reservations not counted */
  private held = 0;
  /** the most bytes actually in flight at once, for the final log line (reservations are promises, not memory) */
  peak = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly limit: number) {}

  /** Bytes reserved: pages asked for and not yet handed back. */
  get inFlight(): number {
    return this.used;
  }

  /** Resolves once `bytes` fit; an aborted wait rejects with the signal's reason and takes nothing. */
  acquire(bytes: number, signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.waiting.length === 0 && this.fits(bytes)) return Promise.resolve(this.take(bytes));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        grant: (lease) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
        this.wake();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** @internal Lease's way to hand bytes back or add to them: reserved, and actually held. */
  adjust(reserved: number, held = 0): void {
    this.used += reserved;
    this.held += held;
    if (this.held > this.peak) this.peak = this.held;
    if (reserved < 0) this.wake();
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }

  private take(bytes: number): Lease {
    this.adjust(bytes);
    return new Lease(this, bytes);
  }

  private wake(): void {
    while (this.waiting.length && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift()!;
      next.grant(this.take(next.bytes));
    }
  }
}
