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
/** A real org pages a query that selects a long text area (over 255 characters) 1,000 records at a time. */
export const LONG_TEXT_BATCH = 1000;
// Snapshots hold row references only, but a million-row snapshot is still ~8 MB; keep the newest few.
const MAX_OPEN_CURSORS = 48;

/** Opaque outside this module: pages carry one so alterations can hand it back. */
export interface Cursor {
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

/** One page of a REST query, kept as a value until it is sent, so a misbehaviour can alter it. */
export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl: string | null;
  /** Each record already serialized (see record-serializer.ts). */
  records: string[];
  /** The snapshot and offset the page was cut from, for alterations that replay rows or open a locator. */
  readonly origin: PageOrigin;
}

export interface PageOrigin {
  readonly cursor: Cursor;
  readonly offset: number;
  readonly version: string;
}

/** The wire form: `nextRecordsUrl` between `done` and `records`, and absent when null. */
export function pageJson(page: QueryPage): string {
  const next = page.nextRecordsUrl === null ? '' : `,"nextRecordsUrl":${JSON.stringify(page.nextRecordsUrl)}`;
  return `{"totalSize":${page.totalSize},"done":${page.done}${next},"records":[${page.records.join(',')}]}`;
}

export class CursorStore {
  private readonly cursors = new Map<string, Cursor>();

  /**
   * The first page of a fresh result; opens a locator only if more pages follow. `dry` renders the
   * page without opening the locator (a truncated answer the client can never page on from).
   */
  firstPage(result: QueryResult, version: string, asked: number, dry = false): QueryPage {
    const batchSize = pageLimit(result, asked);
    const cursor: Cursor = { result, batchSize, writers: new Map() };
    const size = result.singlePage ? Math.max(batchSize, result.rows.length) : batchSize;
    const hasMore = result.rows.length > size;
    let locator: string | null = null;
    if (hasMore) {
      locator = randomId(KEY_PREFIX.QueryLocator, randomBytes(12));
      if (!dry) this.keep(locator, cursor);
    }
    return this.page(cursor, locator, 0, size, version);
  }

  /** `GET …/query/<locator>-<offset>`; `locatorPath` is the part after `query/`. `dry` leaves the LRU order alone. */
  nextPage(locatorPath: string, version: string, batchSize: number | null, dry = false): QueryPage {
    const m = /^(01g[A-Za-z0-9]{15})-(\d+)$/.exec(locatorPath);
    const cursor = m ? this.cursors.get(m[1]) : undefined;
    const offset = m ? Number(m[2]) : NaN;
    if (!m || !cursor || offset > cursor.result.rows.length) {
      throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    // Touch: re-insert so eviction drops the least recently used cursor.
    if (!dry) this.keep(m[1], cursor);
    return this.page(cursor, m[1], offset, batchSize === null ? cursor.batchSize : pageLimit(cursor.result, batchSize), version);
  }

  /** A new locator on the page's snapshot, positioned at the page's own offset: the URL of that page again. */
  reopen(origin: PageOrigin): string {
    const locator = randomId(KEY_PREFIX.QueryLocator, randomBytes(12));
    this.keep(locator, origin.cursor);
    return nextUrl(origin.version, locator, origin.offset);
  }

  /** `count` records of the page's snapshot from `from`, serialized as its pages are. */
  replay(origin: PageOrigin, from: number, count: number): string[] {
    return this.records(origin.cursor, from, Math.min(origin.cursor.result.rows.length, from + count), origin.version);
  }

  private keep(locator: string, cursor: Cursor): void {
    this.cursors.delete(locator);
    this.cursors.set(locator, cursor);
    while (this.cursors.size > MAX_OPEN_CURSORS) this.cursors.delete(this.cursors.keys().next().value as string);
  }

  private page(cursor: Cursor, locator: string | null, offset: number, size: number, version: string): QueryPage {
    const { result } = cursor;
    const end = Math.min(result.rows.length, offset + size);
    const next = locator !== null && end < result.rows.length ? nextUrl(version, locator, end) : null;
    return {
      totalSize: result.totalSize,
      done: next === null,
      nextRecordsUrl: next,
      records: this.records(cursor, offset, end, version),
      origin: { cursor, offset, version },
    };
  }

  private records(cursor: Cursor, from: number, to: number, version: string): string[] {
    let write = cursor.writers.get(version);
    if (!write) {
      write = compileRowWriter(cursor.result.object, version, cursor.result.columns);
      cursor.writers.set(version, write);
    }
    const parts = new Array<string>(Math.max(0, to - from));
    for (let i = from; i < to; i++) parts[i - from] = write(cursor.result.rows[i]);
    return parts;
  }

  clear(): void {
    this.cursors.clear();
  }
}

/** The page size asked for, capped where the query selects long text. */
function pageLimit(result: QueryResult, asked: number): number {
  const longText = result.columns.some((c) => c.spec.type === 'textarea' && c.spec.length > 255);
  return longText ? Math.min(asked, LONG_TEXT_BATCH) : asked;
}

const nextUrl = (version: string, locator: string, offset: number) => `/services/data/v${version}/query/${locator}-${offset}`;
