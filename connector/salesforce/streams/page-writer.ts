/**
 * Writes a stream's pages: the records, then a STATE that covers exactly them. Tracks the cursor
 * (newest SystemModstamp written) and the run's position (the last record written) so the reader
 * can resume precisely after it.
 */
import { streamStateMessage, streamStatusMessage } from '../../runtime/messages.js';
import type { ProtocolWriter } from '../../runtime/writer.js';
import { CURSOR_FIELD, PRIMARY_KEY } from '../objects.js';
import { RECENT_STATE_KEY, laterOf } from '../state/cursor.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';

export interface Position {
  stamp: string;
  id: string;
}

export class PageWriter {
  records = 0;
  cursor?: string;
  position?: Position;
  private running = false;

  constructor(
    private readonly writer: ProtocolWriter,
    private readonly stream: string,
    private readonly incremental: boolean,
    inputCursor: string | undefined,
    private readonly recent: RecentDeliveries = new RecentDeliveries(),
  ) {
    this.cursor = incremental ? inputCursor : undefined;
  }

  /** RUNNING goes out once, when the first answer arrives. */
  async markRunning(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.writer.write(streamStatusMessage(this.stream, 'RUNNING'));
  }

  /**
   * `page` is already shaped, checked and ordered by (SystemModstamp, Id); a record whose stamp was
   * not valid carries SystemModstamp null (see page-order.ts) and never moves the cursor or the
   * position. Versions an earlier run delivered inside the look-back window are skipped; the page
   * still moves the position and cursor.
   */
  async writePage(page: Record<string, unknown>[]): Promise<void> {
    await this.markRunning();
    const records = this.incremental ? page.filter((r) => r[CURSOR_FIELD] === null || !this.recent.wasDelivered(String(r[PRIMARY_KEY]), String(r[CURSOR_FIELD]))) : page;
    await this.writer.writeRecords(this.stream, records, Date.now());
    if (this.incremental) for (const r of records) if (r[CURSOR_FIELD] !== null) this.recent.add(String(r[PRIMARY_KEY]), String(r[CURSOR_FIELD]));
    this.records += records.length;
    const last = page.findLast((r) => typeof r[CURSOR_FIELD] === 'string');
    if (last) {
      this.position = { stamp: String(last[CURSOR_FIELD]), id: String(last[PRIMARY_KEY]) };
      if (this.incremental) this.cursor = laterOf(this.cursor, this.position.stamp);
    }
    await this.writeState(records.length);
  }

  /** A STATE without new records: the end of a stream whose last page was empty. */
  async writeState(count = 0): Promise<void> {
    const state: Record<string, unknown> = {};
    if (this.incremental && this.cursor) {
      state[CURSOR_FIELD] = this.cursor;
      const recent = this.recent.forState(this.cursor);
      if (recent) state[RECENT_STATE_KEY] = recent;
    }
    await this.writer.write(streamStateMessage(this.stream, state, count));
  }
}
