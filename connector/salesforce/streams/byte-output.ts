/**
 * A growing buffer that records are written into as bytes (record-slicer.ts, csv-slicer.ts). When it
 * grows, records already cut from it keep the old buffer, which still holds their bytes.
 */
export class ByteOutput {
  buffer: Buffer;
  /** where the next byte goes */
  at = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  byte(c: number): void {
    this.ensure(1);
    this.buffer[this.at++] = c;
  }

  bytes(bytes: Buffer): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  copy(source: Buffer, start: number, end: number): void {
    this.ensure(end - start);
    this.at += source.copy(this.buffer, this.at, start, end);
  }

  text(text: string): void {
    this.ensure(Buffer.byteLength(text));
    this.at += this.buffer.write(text, this.at);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.at + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n));
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }
}
