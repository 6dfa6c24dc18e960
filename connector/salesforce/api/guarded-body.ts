/**
 * A response body read under bounds: a cap on its decompressed size, an idle timeout, a floor on
 * the transfer rate, and a deadline on the time spent waiting for the server. Time counts only while
 * the reader wants data: a Bulk download paused by a slow platform reading our stdout is not the
 * server stalling.
 *
 * The floor: waiting time is cut into windows of `slowWindowMs`, and a window that brought some
 * bytes but fewer than `slowMinBytes` ends the attempt as a stall (retried like a silence). So a
 * body dripping a byte now and then fails within two windows of slowing down (one window when it
 * drips from the start) instead of running to the deadline; a window that brought nothing is the
 * idle timeout's to judge. Bytes are counted decompressed, as the reader gets them: a compressed
 * link moves more of them than of its wire bytes.
 */
import type { BufferPool } from './buffer-pool.js';
import { Readable } from 'node:stream';
import { AnswerTooLargeError, StallError, TransportError } from './failures.js';

export interface BodyLimits {
  maxBytes: number;
  idleMs: number;
  deadlineMs: number;
  /** a window of waiting in which some bytes but fewer than `slowMinBytes` arrived is a stall */
  slowWindowMs: number;
  slowMinBytes: number;
  /** time already spent waiting for this call (connecting, waiting for the headers) */
  waitedMs: number;
  host: string;
  path: string;
}

export class GuardedBody extends Readable {
  private bytes = 0;
  private waited: number;
  /** when the reader last started wanting data, while it still does */
  private wantingSince?: number;
  private idle?: NodeJS.Timeout;
  /** the rate window: bytes in it, waiting time in it before `wantingSince`, and its timer */
  private windowBytes = 0;
  private windowWaited = 0;
  private rate?: NodeJS.Timeout;

  constructor(
    private readonly source: Readable,
    private readonly limits: BodyLimits,
  ) {
    super();
    // The body can fail (a bad chunk in the headers' packet) before its reader attaches, which Node
    // would raise as an unhandled 'error' event; the failure still reaches the reader as `errored`.
    this.on('error', () => undefined);
    this.waited = limits.waitedMs;
    source.pause();
    source.on('data', (chunk: Buffer) => this.onChunk(chunk));
    source.once('end', () => {
      this.stopWaiting();
      this.push(null);
    });
    source.on('error', (error: Error & { code?: string }) => {
      this.destroy(new TransportError(error.code ?? 'ERR_BODY', 'body', limits.host, error.message, error));
    });
  }

  /** Decompressed bytes received so far. */
  get received(): number {
    return this.bytes;
  }

  override _read(): void {
    if (this.wantingSince === undefined) {
      this.wantingSince = Date.now();
      this.armIdle();
      this.armRate();
    }
    this.source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopWaiting();
    this.source.destroy();
    callback(error);
  }

  private onChunk(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.windowBytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) {
      this.destroy(new AnswerTooLargeError('answer', this.limits.maxBytes, this.limits.path));
      return;
    }
    if (this.overDeadline()) return;
    if (this.push(chunk)) {
      this.armIdle();
      return;
    }
    // The reader has enough for now: stop the clocks until it asks again.
    this.source.pause();
    this.stopWaiting();
  }

  private overDeadline(): boolean {
    const waited = this.waited + (this.wantingSince === undefined ? 0 : Date.now() - this.wantingSince);
    if (waited <= this.limits.deadlineMs) return false;
    this.destroy(new StallError('deadline', this.limits.deadlineMs, this.limits.host, this.limits.path));
    return true;
  }

  private armIdle(): void {
    clearTimeout(this.idle);
    const { idleMs, deadlineMs, host, path } = this.limits;
    const untilDeadline = deadlineMs - this.waited - (this.wantingSince === undefined ? 0 : Date.now() - this.wantingSince);
    // Whichever bound comes first is the one that fires: a timer a millisecond early must not turn a
    // spent deadline (final) into an idle silence (retried).
    const kind = untilDeadline < idleMs ? 'deadline' : 'idle';
    this.idle = setTimeout(
      () => this.destroy(new StallError(kind, kind === 'idle' ? idleMs : deadlineMs, host, path)),
      Math.max(0, Math.min(idleMs, untilDeadline)),
    );
  }

  /** Judges the rate window once the reader has waited through it (only waiting time counts). */
  private armRate(): void {
    clearTimeout(this.rate);
    this.rate = setTimeout(() => this.judgeWindow(), Math.max(0, this.limits.slowWindowMs - this.windowWaited));
  }

  private judgeWindow(): void {
    // A spent deadline is final; a slow window is retried: the deadline is judged first.
    if (this.overDeadline()) return;
    const { slowWindowMs, slowMinBytes, host, path } = this.limits;
    if (this.windowBytes > 0 && this.windowBytes < slowMinBytes) {
      this.destroy(new StallError('slow', slowWindowMs, host, path, slowMinBytes));
      return;
    }
    // A new window from here: what was waited so far is folded into the total the deadline counts.
    const now = Date.now();
    if (this.wantingSince !== undefined) this.waited += now - this.wantingSince;
    this.wantingSince = now;
    this.windowBytes = 0;
    this.windowWaited = 0;
    this.armRate();
  }

  private stopWaiting(): void {
    clearTimeout(this.idle);
    clearTimeout(this.rate);
    this.idle = undefined;
    this.rate = undefined;
    if (this.wantingSince !== undefined) {
      const waited = Date.now() - this.wantingSince;
      this.waited += waited;
      this.windowWaited += waited;
    }
    this.wantingSince = undefined;
  }
}

/** The whole body, under the same bounds, in a buffer of `buffers` (given back once read). */
export async function readBytes(body: GuardedBody, buffers: BufferPool): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return buffers.gather(chunks);
}
