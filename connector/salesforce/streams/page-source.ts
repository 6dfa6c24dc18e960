/**
 * Where a stream's pages come from. REST pages arrive 2,000 records a call; Bulk API 2.0 costs a
 * handful of calls per job whatever its size but has a start-up delay. `auto` starts with REST, and
 * when the first page says the window is large, drops that cursor and reads the window through Bulk.
 */
import { BulkRefusedError, bulkPageSource } from '../bulk/bulk-page-source.js';
import type { Log } from '../../runtime/source.js';
import type { SalesforceClient } from '../api/client.js';
import type { DescribeField } from '../api/types.js';
import { streamQuery } from '../soql.js';
import { createRecordShaper } from './record-shaper.js';
import { chunkFields, lookupQueries } from './wide-query.js';
import type { PageSource } from './pages.js';

export type ReadApi = 'auto' | 'rest' | 'bulk';

/** Above this many records in a window, `auto` reads it through Bulk. */
export const BULK_THRESHOLD = 20_000;

export function restPageSource(client: SalesforceClient, object: string, fields: readonly DescribeField[], includeDeleted: boolean): PageSource {
  const names = fields.map((f) => f.name);
  const shape = createRecordShaper(fields);
  const wide = fields.some(isLongText);
  return async function* (bounds) {
    const [driving, ...others] = chunkFields(object, names, bounds, client.settings.maxUrlBytes);
    let first = true;
    // Records joined from several queries could mix pages decoded both ways: those stay UTF-8.
    const latin1 = others.length === 0;
    for await (const page of client.query(streamQuery(object, driving, bounds), { object, includeDeleted, wide, latin1 })) {
      if (others.length) await joinChunks(client, object, others, page.records, includeDeleted);
      yield { records: page.records.map(shape), estimate: first ? page.totalSize : undefined, encoding: page.encoding };
      first = false;
    }
  };
}

/** A text area longer than a short text field can hold: its values may run to 128 KB per record. */
export const isLongText = (field: DescribeField) => field.type === 'textarea' && (field.length ?? 0) > 255;

/** Fills each record of a page with the fields of the other chunks, looked up by Id. */
async function joinChunks(client: SalesforceClient, object: string, chunks: string[][], records: Array<Record<string, unknown>>, includeDeleted: boolean) {
  const byId = new Map(records.map((r) => [String(r.Id), r]));
  for (const chunk of chunks) {
    for (const soql of lookupQueries(object, chunk, [...byId.keys()], client.settings.maxUrlBytes)) {
      for await (const page of client.query(soql, { object, includeDeleted })) {
        for (const extra of page.records) {
          const target = byId.get(String(extra.Id));
          if (target) for (const field of chunk) target[field] = extra[field];
        }
      }
    }
  }
}

export interface SourceOptions {
  client: SalesforceClient;
  log: Log;
  object: string;
  selected: readonly DescribeField[];
  describe: readonly DescribeField[];
  includeDeleted: boolean;
  readApi: ReadApi;
}

export function choosePageSource(options: SourceOptions): PageSource {
  const { client, log, object, selected, describe, includeDeleted, readApi } = options;
  const rest = restPageSource(client, object, selected, includeDeleted);
  if (readApi === 'rest') return rest;
  const bulk = bulkPageSource(client, object, selected, describe, includeDeleted, (message) => log('INFO', message));
  const bulkOrRest: PageSource = async function* (bounds) {
    try {
      yield* bulk(bounds);
    } catch (error) {
      if (!(error instanceof BulkRefusedError)) throw error;
      await log('WARN', `${object}: Salesforce refused a Bulk job (${error.reason}); reading it through REST instead.`);
      yield* rest(bounds);
    }
  };
  if (readApi === 'bulk') return bulkOrRest;
  return async function* (bounds) {
    const pages = rest(bounds)[Symbol.asyncIterator]();
    const first = await pages.next();
    if (first.done) return;
    if ((first.value.estimate ?? 0) > BULK_THRESHOLD) {
      await pages.return?.(undefined);
      yield* bulkOrRest(bounds);
      return;
    }
    try {
      yield first.value;
      for (let page = await pages.next(); !page.done; page = await pages.next()) yield page.value;
    } finally {
      // A reader that stops early (a failed page) closes the REST read too, abandoning its prefetch.
      await pages.return?.(undefined);
    }
  };
}
