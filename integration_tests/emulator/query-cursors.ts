/**
 * Query locators: a query's result is computed once and kept as a snapshot that
 * `…/query/<locator>-<offset>` pages through, so paging is stable under concurrent mutations and
 * never re-runs the filter or the sort.
 */
import { randomBytes } from 'node:crypto';
import { SalesforceError } from './errors.js';
import { KEY_PREFIX, randomId } from './ids.js';
import { compileRowWriter } from './record-serializer.js';
import type { SRecord } from './field-catalog.js';
import type { QueryResult } from './soql-engine.js';

export const DEFAULT_BATCH = 2000;
export const MIN_BATCH = 200;
// Snapshots hold row references only, but a million-row snapshot is still ~8 MB; keep the newest few.
const MAX_OPEN_CURSORS = 48;

interface Cursor {
  result: QueryResult;
  /** The first request's page size, reused when a follow-up request does not send the header. */
  batchSize: number;
  writers: Map<string, (row: SRecord) => string>;
}

/** Page size from `Sforce-Query-Options: batchSize=N`: Salesforce clamps to 200..2000. */
export function batchSizeFrom(header: string | undefined, maxBatchSize: number): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(header ?? '');
  const asked = m ? Number(m[1]) : DEFAULT_BATCH;
  return Math.min(Math.max(MIN_BATCH, Math.min(DEFAULT_BATCH, asked)), maxBatchSize);
}

export class CursorStore {
  private readonly cursors = new Map<string, Cursor>();

  /**
   * The first page of a fresh result; opens a locator only if more pages follow. `dry` renders the
   * page without opening the locator (a truncated answer the client can never page on from).
   */
  firstPage(result: QueryResult, version: string, batchSize: number, dry = false): string {
    const cursor: Cursor = { result, batchSize, writers: new Map() };
    const size = result.singlePage ? Math.max(batchSize, result.rows.length) : batchSize;
    const hasMore = result.rows.length > size;
    let locator: string | null = null;
    if (hasMore) {
      locator = randomId(KEY_PREFIX.QueryLocator, randomBytes(12));
      if (dry) return this.render(cursor, locator, 0, size, version);
      this.cursors.set(locator, cursor);
      while (this.cursors.size > MAX_OPEN_CURSORS) this.cursors.delete(this.cursors.keys().next().value as string);
    }
    return this.render(cursor, locator, 0, size, version);
  }

  /** `GET …/query/<locator>-<offset>`; `locatorPath` is the part after `query/`. `dry` leaves the LRU order alone. */
  nextPage(locatorPath: string, version: string, batchSize: number | null, dry = false): string {
    const m = /^(01g[A-Za-z0-9]{15})-(\d+)$/.exec(locatorPath);
    const cursor = m ? this.cursors.get(m[1]) : undefined;
    const offset = m ? Number(m[2]) : NaN;
    if (!m || !cursor || offset > cursor.result.rows.length) {
      throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    if (!dry) {
      // Touch: re-insert so eviction drops the least recently used cursor.
      this.cursors.delete(m[1]);
      this.cursors.set(m[1], cursor);
    }
    return this.render(cursor, m[1], offset, batchSize ?? cursor.batchSize, version);
  }

  private render(cursor: Cursor, locator: string | null, offset: number, size: number, version: string): string {
    const { result } = cursor;
    let write = cursor.writers.get(version);
    if (!write) {
      write = compileRowWriter(result.object, version, result.columns);
      cursor.writers.set(version, write);
    }
    const end = Math.min(result.rows.length, offset + size);
    const done = end >= result.rows.length || locator === null;
    const parts = new Array<string>(end - offset);
    for (let i = offset; i < end; i++) parts[i - offset] = write(result.rows[i]);
    const next = done ? '' : `,"nextRecordsUrl":"/services/data/v${version}/query/${locator}-${end}"`;
    return `{"totalSize":${result.totalSize},"done":${done}${next},"records":[${parts.join(',')}]}`;
  }

  clear(): void {
    this.cursors.clear();
  }
}
