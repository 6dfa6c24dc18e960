/**
 * The only code that touches stdout. One JSON message per line, written with backpressure so a slow
 * reader (the platform) slows the sync down instead of letting memory grow. Records are written as
 * they are; every other message passes through the redactor first, because only those can carry
 * error text, URLs or tokens. CONTROL messages are the exception by design: they carry the config
 * the platform must store, secrets included (a rotated refresh token is their whole point).
 *
 * The output is lost when its reader closes it (EPIPE) or stops taking bytes altogether: a pipe
 * holds 64 KiB, and once it is full every write waits for a reader that may never come back. A
 * reader counts as gone only after `stallMs` without taking a single queued write, far longer than
 * a slow but live one (a destination flushing a batch) ever pauses. Then every wait ends with an
 * OutputLostError and `lost` resolves with one sentence for the operator (cli.ts prints it and exits).
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { AirbyteMessage } from '../../generated/protocol.js';
import { TransientError } from './errors.js';
import { Redactor } from './redactor.js';
import { logMessage, type LogLevel } from './messages.js';
import { EncodedRecord } from './encoded-record.js';

// Records go out in chunks of about this many bytes rather than one per page: a page-sized chunk
// queued for the pipe would be megabytes held until drained.
const RECORD_CHUNK_BYTES = 256 * 1024;
const RECORD_END = Buffer.from('}}\n');
const SPARE_CHUNKS = 4;

// What writes get once the output is stopped: they never finish, so the sync stalls where it is.
const NEVER = new Promise<never>(() => undefined);

/** How long a reader may take nothing at all before it counts as gone (cli.ts may set another). */
export const DEFAULT_STALL_MS = 30 * 60 * 1000;

/** The output can take no more: its reader closed it or stopped reading. */
export class OutputLostError extends TransientError {}

export interface WriterOptions {
  redactor?: Redactor;
  /** see DEFAULT_STALL_MS */
  stallMs?: number;
}

export class ProtocolWriter {
  readonly redactor: Redactor;
  /** Resolves with a sentence for the operator once the output is lost (it never rejects). */
  readonly lost: Promise<string>;
  private readonly out: Writable;
  private readonly stallMs: number;
  private stopped?: Promise<void>;
  private closing?: () => AirbyteMessage[];
  private readonly spare: Buffer[] = [];
  private readonly gone = new AbortController();
  private declareLost!: (sentence: string) => void;
  /** writes the reader has taken so far */
  private taken = 0;
  private watchdog?: NodeJS.Timeout;

  constructor(out: Writable = process.stdout, options: WriterOptions = {}) {
    this.out = out;
    this.redactor = options.redactor ?? new Redactor();
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.lost = new Promise((resolve) => (this.declareLost = resolve));
    out.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EPIPE' ? 'its reader closed it (EPIPE)' : `writing to it failed (${error.code ?? error.message})`;
      this.lose(`standard output is gone: ${why}`);
    });
  }

  /** Resolves once the line is accepted; waits for 'drain' when the pipe is full. */
  async write(message: AirbyteMessage): Promise<void> {
    this.assertOpen();
    if (this.stopped) return NEVER;
    let line = JSON.stringify(message);
    if (message.type !== 'RECORD' && message.type !== 'CONTROL') line = this.redactor.redact(line);
    if (!this.send(line + '\n')) await this.drained();
  }

  /**
   * The lines `stop` writes before its last one, asked for at that moment: the read runner's ending
   * status of every stream still open, so the platform sees each one end after its last STATE.
   */
  setClosing(closing: (() => AirbyteMessage[]) | undefined): void {
    this.closing = closing;
  }

  /**
   * Ends the output (a signal asked us to stop, or a failure escaped): the closing lines, then
   * `last`, are the final lines, nothing is written after them, and the promise resolves once they
   * and everything queued before them have reached the OS, or the output is lost. Exiting earlier
   * would drop output still queued for a slow reader, cutting its last line in half.
   */
  stop(last: AirbyteMessage): Promise<void> {
    this.stopped ??= new Promise((resolve) => {
      const lines = [...(this.closing?.() ?? []), last].map((message) => this.redactor.redact(JSON.stringify(message)) + '\n');
      if (this.gone.signal.aborted) return resolve();
      this.send(lines.join(''), () => resolve());
      void this.lost.then(() => resolve());
    });
    return this.stopped;
  }

  /**
   * A page of records as one write: far fewer syscalls and promise turns than a write per record,
   * while backpressure still applies per chunk. Records already encoded (EncodedRecord) are copied
   * as bytes; others are serialised here.
   */
  async writeRecords(stream: string, records: readonly object[], emittedAt: number): Promise<void> {
    if (records.length === 0) return;
    const prefix = Buffer.from(`{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"emitted_at":${emittedAt},"data":`);
    let chunk = this.chunk(RECORD_CHUNK_BYTES);
    let at = 0;
    for (const data of records) {
      const { bytes, start, end } = data instanceof EncodedRecord ? data : encode(data);
      const size = prefix.length + end - start + RECORD_END.length;
      if (at + size > chunk.length) {
        if (at > 0) await this.writeChunk(chunk, at);
        chunk = this.chunk(size);
        at = 0;
      }
      chunk.set(prefix, at);
      at += prefix.length;
      at += bytes.copy(chunk, at, start, end);
      chunk.set(RECORD_END, at);
      at += RECORD_END.length;
    }
    await this.writeChunk(chunk, at);
  }

  /**
   * A buffer of at least `size` bytes for records. Chunks the pipe has written are used again: new
   * ones would pile up as external memory that V8 frees only at its next collection.
   */
  private chunk(size: number): Buffer {
    return (size <= RECORD_CHUNK_BYTES && this.spare.pop()) || Buffer.allocUnsafeSlow(Math.max(RECORD_CHUNK_BYTES, size));
  }

  private keep(chunk: Buffer): void {
    if (chunk.length === RECORD_CHUNK_BYTES && this.spare.length < SPARE_CHUNKS && !this.spare.includes(chunk)) this.spare.push(chunk);
  }

  /** Writes the first `length` bytes of `chunk`, which is used again once they are out (see chunk()). */
  private async writeChunk(chunk: Buffer, length: number): Promise<void> {
    // Checked before every chunk: a stop can come while the previous one waits for 'drain'.
    this.assertOpen();
    if (this.stopped) return NEVER;
    if (!this.send(chunk.subarray(0, length), () => this.keep(chunk))) await this.drained();
  }

  log(level: LogLevel, message: string): Promise<void> {
    return this.write(logMessage(level, message));
  }

  /** Waits until everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    this.assertOpen();
    if (this.out.writableNeedDrain) await this.drained();
    await this.untilLost(new Promise<void>((resolve) => this.send('', () => resolve())));
  }

  /** Hands bytes to the stream, counting the writes the reader takes; false when the caller should wait for 'drain'. */
  private send(data: string | Buffer, taken?: () => void): boolean {
    const accepted = this.out.write(
      data,
      taken
        ? () => {
            this.taken++;
            taken();
          }
        : this.tookOne,
    );
    this.watch();
    return accepted;
  }

  private readonly tookOne = () => {
    this.taken++;
  };

  /**
   * Checks now and then, while anything is queued, that the reader still takes it. Idle time is
   * counted in the checks' own steps: a check that runs late (a busy machine) counts less than
   * really passed, so a reader is never given up early.
   */
  private watch(): void {
    if (this.watchdog || this.gone.signal.aborted || this.out.writableLength === 0) return;
    const every = Math.max(10, Math.min(5000, this.stallMs / 4));
    let seen = this.taken;
    let idleMs = 0;
    this.watchdog = setInterval(() => {
      if (this.out.writableLength === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
      } else if (this.taken !== seen) {
        seen = this.taken;
        idleMs = 0;
      } else if ((idleMs += every) >= this.stallMs) {
        this.lose(`standard output is gone: its reader took nothing for ${describeMs(this.stallMs)} while output was waiting`);
      }
    }, every).unref(); // never what keeps the process alive
  }

  private lose(sentence: string): void {
    if (this.gone.signal.aborted) return;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.gone.abort(new OutputLostError(`${sentence}.`));
    this.declareLost(sentence);
  }

  private assertOpen(): void {
    if (this.gone.signal.aborted) throw this.gone.signal.reason;
  }

  private async drained(): Promise<void> {
    try {
      await once(this.out, 'drain', { signal: this.gone.signal });
    } catch (error) {
      this.assertOpen();
      throw error;
    }
  }

  private untilLost<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.lost.then(() => Promise.reject(this.gone.signal.reason as Error))]);
  }
}

function describeMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${Math.round(ms / 100) / 10} s`;
}

function encode(data: object): EncodedRecord {
  const bytes = Buffer.from(JSON.stringify(data));
  return new EncodedRecord(bytes, 0, bytes.length);
}
