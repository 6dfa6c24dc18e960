/**
 * The stdout of an in-process run, kept in memory as its lines. Loaded natively by
 * connector-runner.ts (see native.ts): it takes every write of a read.
 *
 * Lines are cut out of each write as it is taken, and a record chunk's bytes decoded line by line:
 * decoding a whole chunk made one string of it (two bytes a character as soon as one record held a
 * non-ASCII character), and joining those and splitting them again into lines cost several times
 * the decoding of the lines alone.
 */
import { isUtf8 } from 'node:buffer';
import { Writable } from 'node:stream';

const NEWLINE = 0x0a;

/** A stdout kept in memory. Unless `slow`, its high-water mark is out of reach: backpressure is not what most runs test. */
export class MemoryOutput extends Writable {
  private readonly taken: string[] = [];
  /** the bytes after the last newline so far: a write that ended mid-line (the writer never does) */
  private partial?: Buffer;
  /** bytes written that are not UTF-8 (a decoder would hide them, as U+FFFD) */
  private notUtf8?: Buffer;

  /**
   * `slow`: each write is taken that many milliseconds later (2 when true), or once the promise the
   * function returns resolves (a test's own moment, not a duration)
   */
  constructor(private readonly slow: boolean | number | (() => Promise<void>) = false) {
    super({ decodeStrings: false, highWaterMark: slow ? 16 * 1024 : 2 ** 30 });
  }

  /** Records arrive as bytes (whole lines), other messages as text; a write is done once its bytes are taken. */
  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: () => void): void {
    const take = () => {
      if (Buffer.isBuffer(chunk)) this.takeBytes(chunk);
      else this.takeText(chunk);
      done();
    };
    if (typeof this.slow === 'function') void this.slow().then(take);
    else if (this.slow) setTimeout(take, this.slow === true ? 2 : this.slow);
    else take();
  }

  private takeText(text: string): void {
    if (text === '') return; // the writer's flush
    if (this.partial || !text.endsWith('\n')) return this.takeBytes(Buffer.from(text, 'utf8'));
    let at = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', at)) {
      this.taken.push(text.slice(at, end));
      at = end + 1;
    }
  }

  /** Copies what it keeps: the writer fills the same buffer again once the write is done. */
  private takeBytes(chunk: Buffer): void {
    if (!isUtf8(chunk)) this.notUtf8 ??= Buffer.from(chunk);
    const bytes = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = undefined;
    let at = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, at)) {
      this.taken.push(bytes.toString('utf8', at, end));
      at = end + 1;
    }
    if (at < bytes.length) this.partial = Buffer.from(bytes.subarray(at));
  }

  /** Every line printed, without its newline; a last line cut short, if any, last. */
  lines(): string[] {
    if (this.notUtf8) throw new Error(`connector printed bytes that are not UTF-8: ${JSON.stringify(this.notUtf8.toString('latin1').slice(0, 300))}`);
    return this.partial ? [...this.taken, this.partial.toString('utf8')] : this.taken;
  }
}
