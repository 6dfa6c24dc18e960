/**
 * The only code that touches stdout. One JSON message per line, written with backpressure so a slow
 * reader (the platform) slows the sync down instead of letting memory grow. Records are written as
 * they are; every other message passes through the redactor first, because only those can carry
 * error text, URLs or tokens.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { AirbyteMessage } from '../../generated/protocol.js';
import { Redactor } from './redactor.js';
import { logMessage, type LogLevel } from './messages.js';

// Records go out in chunks of about this many characters rather than one string per page: a
// page-sized string and its copy queued for the pipe would each be megabytes held until drained.
const RECORD_CHUNK_CHARS = 256 * 1024;

export class ProtocolWriter {
  readonly redactor: Redactor;
  private readonly out: Writable;

  constructor(out: Writable = process.stdout, redactor = new Redactor()) {
    this.out = out;
    this.redactor = redactor;
  }

  /** Resolves once the line is accepted; waits for 'drain' when the pipe is full. */
  async write(message: AirbyteMessage): Promise<void> {
    let line = JSON.stringify(message);
    if (message.type !== 'RECORD') line = this.redactor.redact(line);
    if (!this.out.write(line + '\n')) await once(this.out, 'drain');
  }

  /**
   * A page of records as one write: far fewer syscalls and promise turns than a write per record,
   * while backpressure still applies per page.
   */
  async writeRecords(stream: string, records: readonly Record<string, unknown>[], emittedAt: number): Promise<void> {
    if (records.length === 0) return;
    const prefix = `{"type":"RECORD","record":{"stream":${JSON.stringify(stream)},"emitted_at":${emittedAt},"data":`;
    let chunk = '';
    for (const data of records) {
      chunk += `${prefix}${JSON.stringify(data)}}}\n`;
      if (chunk.length >= RECORD_CHUNK_CHARS) {
        if (!this.out.write(chunk)) await once(this.out, 'drain');
        chunk = '';
      }
    }
    if (chunk.length > 0 && !this.out.write(chunk)) await once(this.out, 'drain');
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
