/**
 * Large buffers used again instead of made anew: a query page's bytes, and the records sliced out of
 * it. A page is megabytes, and a new buffer per page is external memory that V8 frees only at its
 * next collection, which it leaves until tens of megabytes of them are dead: dead pages would
 * outweigh the live ones in the process's memory. Small buffers are not kept.
 */
const MIN_POOLED = 64 * 1024;

export class BufferPool {
  private readonly spare: Buffer[] = [];
  /** the memory of every buffer this pool made: only those come back */
  private readonly own = new WeakSet<ArrayBufferLike>();

  /** `keepBytes`: how many bytes of spare buffers to keep at most */
  constructor(private readonly keepBytes = 4 * 1024 * 1024) {}

  /** A buffer of at least `size` bytes: a spare one, or a new one with its own memory (never Node's shared pool). */
  take(size: number): Buffer {
    const i = this.spare.findIndex((b) => b.length >= size);
    if (i >= 0) return this.spare.splice(i, 1)[0];
    const made = Buffer.allocUnsafeSlow(Math.max(size, MIN_POOLED));
    this.own.add(made.buffer);
    return made;
  }

  /** The chunks in one buffer of the pool (a view of its first bytes); give it back once read. */
  gather(chunks: readonly Buffer[]): Buffer {
    let size = 0;
    for (const chunk of chunks) size += chunk.length;
    if (size < MIN_POOLED) return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
    const target = this.take(size);
    let at = 0;
    for (const chunk of chunks) at += chunk.copy(target, at);
    return target.subarray(0, size);
  }

  /** Takes back a buffer from take() or gather() (or a view of one); nothing may read it afterwards. */
  give(bytes: Buffer): void {
    if (!this.own.has(bytes.buffer) || this.spare.some((b) => b.buffer === bytes.buffer)) return;
    const whole = Buffer.from(bytes.buffer, 0, bytes.buffer.byteLength);
    let kept = whole.length;
    for (const spare of this.spare) kept += spare.length;
    // Over the bound, the smallest go first: the largest are the most useful to keep.
    this.spare.sort((a, b) => a.length - b.length);
    while (kept > this.keepBytes && this.spare.length && this.spare[0].length <= whole.length) kept -= this.spare.shift()!.length;
    if (kept > this.keepBytes) return;
    this.spare.push(whole);
  }
}
