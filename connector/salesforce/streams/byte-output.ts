/**
 * A growing buffer that records are written into as bytes (record-slicer.ts, csv-slicer.ts). When it
 * grows, records already cut from it keep the old buffer, which still holds their bytes. Buffers come
 * from `take` (a BufferPool's, to use them again once the records are written: see `used`).
 */
const SHORT = 48;

export class ByteOutput {
  buffer: Buffer;
  /** where the next byte goes */
  at = 0;
  /** every buffer written into */
  readonly used: Buffer[] = [];

  constructor(
    size: number,
    private readonly take: (size: number) => Buffer,
  ) {
    this.buffer = take(size);
    this.used.push(this.buffer);
  }

  byte(c: number): void {
    this.ensure(1);
    this.buffer[this.at++] = c;
  }

  bytes(bytes: Buffer): void {
    this.copy(bytes, 0, bytes.length);
  }

  copy(source: Buffer, start: number, end: number): void {
    this.ensure(end - start);
    // Most copies are a field name or a short value: a loop beats the call into native code for those.
    if (end - start > SHORT) {
      this.at += source.copy(this.buffer, this.at, start, end);
      return;
    }
    const buffer = this.buffer;
    let at = this.at;
    for (let i = start; i < end; i++) buffer[at++] = source[i];
    this.at = at;
  }

  text(text: string): void {
    this.ensure(Buffer.byteLength(text));
    this.at += this.buffer.write(text, this.at);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const bigger = this.take(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
    this.used.push(bigger);
  }
}
