/**
 * The StreamSink the runtime gives a stream's read: RUNNING once the first records or estimate
 * arrive, records then the STATE that covers them, estimates, logs, and the live progress line.
 */
import { estimateMessage, streamStateMessage, streamStatusMessage } from './messages.js';
import type { ProgressDisplay } from './progress.js';
import type { Log, StreamSink } from './source.js';
import type { ProtocolWriter } from './writer.js';

export class StreamWriter implements StreamSink {
  records = 0;
  private running = false;
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
    if (!this.running) {
      this.running = true;
      await this.writer.write(streamStatusMessage(this.stream, 'RUNNING'));
    }
    await this.writer.writeRecords(this.stream, records, Date.now());
    this.records += records.length;
    await this.writer.write(streamStateMessage(this.stream, state, records.length));
    this.progress?.update(this.stream, { records: this.records });
  }
}
