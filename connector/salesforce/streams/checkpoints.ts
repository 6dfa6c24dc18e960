/**
 * What each page of a stream amounts to for the runtime: the records to deliver, and the stream
 * state that covers exactly them. Tracks the cursor (the newest SystemModstamp delivered) and the
 * run's position (the last record read) so the reader can resume precisely after it.
 */
import type { StreamSink } from '../../runtime/source.js';
import type { TextEncoding } from '../api/types.js';
import { CURSOR_FIELD, PRIMARY_KEY } from '../objects.js';
import { RECENT_STATE_KEY, laterOf } from '../state/cursor.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';

export interface Position {
  stamp: string;
  id: string;
}

export class StreamCheckpoints {
  cursor?: string;
  position?: Position;

  constructor(
    private readonly sink: StreamSink,
    private readonly incremental: boolean,
    inputCursor: string | undefined,
    private readonly recent: RecentDeliveries = new RecentDeliveries(),
  ) {
    this.cursor = incremental ? inputCursor : undefined;
  }

  /**
   * `page` is already shaped, checked and ordered by (SystemModstamp, Id); a record whose stamp was
   * not valid carries SystemModstamp null (see page-order.ts) and never moves the cursor or the
   * position. Versions an earlier run delivered inside the look-back window are skipped; the page
   * still moves the position and cursor.
   */
  async page(page: Record<string, unknown>[], encoding?: TextEncoding): Promise<void> {
    const records = this.incremental
      ? page.filter((r) => r[CURSOR_FIELD] === null || !this.recent.wasDelivered(String(r[PRIMARY_KEY]), String(r[CURSOR_FIELD])))
      : page;
    if (this.incremental) for (const r of records) if (r[CURSOR_FIELD] !== null) this.recent.add(String(r[PRIMARY_KEY]), String(r[CURSOR_FIELD]));
    const last = page.findLast((r) => typeof r[CURSOR_FIELD] === 'string');
    if (last) {
      this.position = { stamp: String(last[CURSOR_FIELD]), id: String(last[PRIMARY_KEY]) };
      if (this.incremental) this.cursor = laterOf(this.cursor, this.position.stamp);
    }
    await this.sink.checkpoint(records, this.state(), encoding);
  }

  private state(): Record<string, unknown> {
    const state: Record<string, unknown> = {};
    if (this.incremental && this.cursor) {
      state[CURSOR_FIELD] = this.cursor;
      const recent = this.recent.forState(this.cursor);
      if (recent) state[RECENT_STATE_KEY] = recent;
    }
    return state;
  }
}
