/**
 * The only code that touches stdout. One JSON message per line, written with backpressure so a slow
 * reader (the platform) slows the sync down instead of letting memory grow. Records are written as
 * they are; every other message passes through the redactor first, because only those can carry
 * error text, URLs or tokens. CONTROL messages are the exception by design: they carry the config
 * the platform must store, secrets included (a rotated refresh token is their whole point).
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { AirbyteMessage } from '../../generated/protocol.js';
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

export class ProtocolWriter {
  readonly redactor: Redactor;
  private readonly out: Writable;
  private stopped?: Promise<void>;
  private readonly spare: Buffer[] = [];

  constructor(out: Writable = process.stdout, redactor = new Redactor()) {
    this.out = out;
    this.redactor = redactor;
  }

  /** Resolves once the line is accepted; waits for 'drain' when the pipe is full. */
  async write(message: AirbyteMessage): Promise<void> {
    if (this.stopped) return NEVER;
    let line = JSON.stringify(message);
    if (message.type !== 'RECORD' && message.type !== 'CONTROL') line = this.redactor.redact(line);
    if (!this.out.write(line + '\n')) await once(this.out, 'drain');
  }

  /**
   * Ends the output (a signal asked us to stop): `last` is the final line, nothing is written after
   * it, and the promise resolves once it and everything queued before it has reached the OS. Exiting
   * earlier would drop output still queued for a slow reader, cutting its last line in half.
   */
  stop(last: AirbyteMessage): Promise<void> {
    this.stopped ??= new Promise((resolve) => this.out.write(this.redactor.redact(JSON.stringify(last)) + '\n', () => resolve()));
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
    if (this.stopped) return NEVER;
    if (!this.out.write(chunk.subarray(0, length), () => this.keep(chunk))) await once(this.out, 'drain');
  }

  log(level: LogLevel, message: string): Promise<void> {
    return this.write(logMessage(level, message));
  }

  /** Waits until everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
    await new Promise<void>((resolve) => this.out.write('', () => resolve()));
  }
}

function encode(data: object): EncodedRecord {
  const bytes = Buffer.from(JSON.stringify(data));
  return new EncodedRecord(bytes, 0, bytes.length);
}
