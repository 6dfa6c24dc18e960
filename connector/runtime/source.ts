/**
 * What the runtime asks of a source. The source reads; the runtime speaks the protocol: every
 * message (records, states, statuses, logs, estimates, errors) is written by the runtime from what
 * the source hands it through these interfaces. Sources import this room; it imports no source.
 */
import type { ConfiguredStream } from './configured-catalog.js';
import type { ConnectorError } from './errors.js';
import type { LogLevel } from './messages.js';

/** A line for the operator; the runtime makes it a LOG message. */
export type Log = (level: LogLevel, message: string) => Promise<void>;

/**
 * Hands the platform a changed config to store (a CONTROL message). Resolves once the message has
 * reached the OS, so the source can rely on it being out before it goes on.
 */
export type PersistConfig = (config: Record<string, unknown>) => Promise<void>;

/** What one stream's read hands the runtime, in the order it happens. */
export interface StreamSink {
  log: Log;
  /** how many records the stream is expected to hold, once the source knows */
  estimate(rows: number): Promise<void>;
  /**
   * records (objects, or EncodedRecord for records already JSON), then the stream state that covers
   * them: written in that order, so the state is safe to resume from
   */
  checkpoint(records: readonly object[], state: Record<string, unknown>): Promise<void>;
  /**
   * The stream waits because the API holds it back (a rate or concurrency limit); `until` is when
   * the API said its limit lets the stream go on (epoch ms), when it said so.
   */
  rateLimited(until?: number): Promise<void>;
  /** The wait is over and the stream goes on (nothing is said for a stream that was not waiting). */
  resumed(): Promise<void>;
}

/** One read of several streams, driven by the runtime (runtime/read-runner.ts). */
export interface ReadSession {
  /** Work before any stream starts (credentials, state checks); a failure here fails the whole sync once. */
  start(): Promise<void>;
  read(stream: ConfiguredStream, sink: StreamSink): Promise<void>;
  /** the operator's view of a stream's failure */
  describe(error: unknown): ConnectorError;
  /** A failure that stops every stream at once (say a spent API budget): no per-stream error, one at the end. */
  isStop(error: ConnectorError): boolean;
  /** true once such a stop happened: streams not started yet are skipped */
  readonly stopped: boolean;
  /** Work after the last stream (a final report); throws the error a stopped sync ends with. */
  finish(records: ReadonlyMap<string, number>): Promise<void>;
}

/** What `check` found: the runtime turns it into a CONNECTION_STATUS message. */
export interface CheckResult {
  ok: boolean;
  message: string;
}
