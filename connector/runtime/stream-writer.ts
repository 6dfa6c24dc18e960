/**
 * The StreamSink the runtime gives a stream's read: RUNNING once the first records arrive, records
 * then the STATE that covers them, estimates, logs, the live progress line, and RUNNING with a
 * RATE_LIMITED reason while the source waits on its API, then a plain RUNNING once it goes on.
 */
import { estimateMessage, rateLimitedStatusMessage, streamStateMessage, streamStatusMessage } from './messages.js';
import type { ProgressDisplay } from './progress.js';
import type { Log, StreamSink } from './source.js';
import type { ProtocolWriter } from './writer.js';

export class StreamWriter implements StreamSink {
  records = 0;
  private running = false;
  private limited = false;
  readonly log: Log;

  constructor(
    private readonly writer: ProtocolWriter,
    private readonly stream: string,
    private readonly progress?: ProgressDisplay,
  ) {
    this.log = (level, message) => writer.log(level, message);
  }

  async estimate(rows: number): Promise<void> {
    await this.writer.write(estimateMessage(this.stream, rows));
    this.progress?.update(this.stream, { estimate: rows });
  }

  async checkpoint(records: readonly object[], state: Record<string, unknown>): Promise<void> {
    if (!this.running || this.limited) await this.resume();
    await this.writer.writeRecords(this.stream, records, Date.now());
    this.records += records.length;
    await this.writer.write(streamStateMessage(this.stream, state, records.length));
    this.progress?.update(this.stream, { records: this.records });
  }

  async rateLimited(until?: number): Promise<void> {
    this.limited = true;
    await this.writer.write(rateLimitedStatusMessage(this.stream, until));
  }

  async resumed(): Promise<void> {
    if (this.limited) await this.resume();
  }

  private async resume(): Promise<void> {
    this.running = true;
    this.limited = false;
    await this.writer.write(streamStatusMessage(this.stream, 'RUNNING'));
  }
}
