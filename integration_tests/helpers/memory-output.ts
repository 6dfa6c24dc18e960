/**
 * The stdout of an in-process run, kept in memory. Loaded natively by connector-runner.ts (see
 * native.ts): it takes every write of a read.
 */
import { isUtf8 } from 'node:buffer';
import { Writable } from 'node:stream';

/** A stdout kept in memory. Unless `slow`, its high-water mark is out of reach: backpressure is not what most runs test. */
export class MemoryOutput extends Writable {
  private readonly chunks: string[] = [];

  constructor(private readonly slow = false) {
    super({ decodeStrings: false, highWaterMark: slow ? 16 * 1024 : 2 ** 30 });
  }

  /** bytes written that are not UTF-8 (a decoder would hide them, as U+FFFD) */
  private notUtf8?: Buffer;

  /** Records arrive as bytes (whole lines), other messages as text; a write is done once its bytes are taken. */
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: () => void): void {
    const take = () => {
      if (Buffer.isBuffer(chunk) && !isUtf8(chunk)) this.notUtf8 ??= chunk;
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk);
      done();
    };
    if (this.slow) setTimeout(take, 2);
    else take();
  }

  text(): string {
    if (this.notUtf8) throw new Error(`connector printed bytes that are not UTF-8: ${JSON.stringify(this.notUtf8.toString('latin1').slice(0, 300))}`);
    return this.chunks.join('');
  }
}
