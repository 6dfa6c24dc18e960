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

  constructor(
    private readonly budget: ByteBudget,
    public bytes: number,
  ) {}

  /** The real size once known (a page's body read): growing never waits, the bytes are already here. */
  resize(bytes: number): void {
    if (this.released) return;
    this.budget.adjust(bytes - this.bytes);
    this.bytes = bytes;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.adjust(-this.bytes);
  }
}

interface Waiter {
  bytes: number;
  grant: (lease: Lease) => void;
}

export class ByteBudget {
  private used = 0;
  /** the most bytes ever in flight at once, for the final log line */
  peak = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly limit: number) {}

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

  /** @internal Lease's way to hand bytes back or add to them. */
  adjust(delta: number): void {
    this.used += delta;
    if (this.used > this.peak) this.peak = this.used;
    if (delta < 0) this.wake();
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
