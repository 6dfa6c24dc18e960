/**
 * Where a stream's pages come from. REST pages arrive 2,000 records a call; Bulk API 2.0 costs a
 * handful of calls per job whatever its size but has a start-up delay. `auto` starts with REST, and
 * when the first page says the window is large (above settings.bulkThreshold), drops that cursor and
 * reads the window through Bulk.
 *
 * Some objects refuse queryAll or Bulk jobs. Each refusal is learnt once per object (ReadChoices),
 * logged, and every later window of the stream goes straight to what works.
 */
import { BulkRefusedError, bulkPageSource } from '../bulk/bulk-page-source.js';
import type { Log } from '../../runtime/source.js';
import type { SalesforceClient } from '../api/client.js';
import type { DescribeField } from '../api/types.js';
import type { StreamKeys } from '../objects.js';
import { streamQuery } from '../soql.js';
import { createRecordShaper } from './record-shaper.js';
import { pageSlicer } from './record-slicer.js';
import { chunkFields, lookupQueries } from './wide-query.js';
import type { PageSource, ReadChoices } from './pages.js';
import { fallBackToQuery, refusesQueryAll } from './query-all.js';

export type ReadApi = 'auto' | 'rest' | 'bulk';

export function restPageSource(
  client: SalesforceClient,
  object: string,
  fields: readonly DescribeField[],
  choices: ReadChoices,
  keys: StreamKeys,
  log: Log,
): PageSource {
  const names = fields.map((f) => f.name);
  const shape = createRecordShaper(fields);
  const slice = pageSlicer({ fields, primaryKey: keys.primaryKey, cursor: keys.cursor }, client.buffers);
  const wide = fields.some(isLongText);
  return async function* (bounds, shared) {
    const [driving, ...others] = chunkFields(object, names, bounds, client.settings.maxUrlBytes, keys);
    let first = true;
    // Records joined from several queries are filled in as objects: only a single query's are sliced.
    const decode = others.length === 0 ? slice : undefined;
    const soql = streamQuery(object, driving, bounds, keys);
    const { sharing, signal } = shared ?? {};
    let pages = client.query(soql, { object, includeDeleted: choices.includeDeleted, wide, decode, sharing, signal });
    for (;;) {
      try {
        for await (const page of pages) {
          if (others.length) await joinChunks(client, object, others, page.records, choices.includeDeleted, signal);
          yield { records: decode ? page.records : page.records.map(shape), estimate: first ? page.totalSize : undefined };
          // Asked for the next page: this one is written.
          page.release?.();
          first = false;
        }
        return;
      } catch (error) {
        // Only the first call of a read can be refused: its pages have not started.
        if (!first || !choices.includeDeleted || !refusesQueryAll(error)) throw error;
        await fallBackToQuery(object, error, choices, log);
        pages = client.query(soql, { object, includeDeleted: false, wide, decode, sharing, signal });
      }
    }
  };
}

/** A text area longer than a short text field can hold: its values may run to 128 KB per record. */
export const isLongText = (field: DescribeField) => field.type === 'textarea' && (field.length ?? 0) > 255;

/** Fills each record of a page with the fields of the other chunks, looked up by Id. */
async function joinChunks(
  client: SalesforceClient,
  object: string,
  chunks: string[][],
  records: Array<Record<string, unknown>>,
  includeDeleted: boolean,
  signal?: AbortSignal,
) {
  const byId = new Map(records.map((r) => [String(r.Id), r]));
  for (const chunk of chunks) {
    for (const soql of lookupQueries(object, chunk, [...byId.keys()], client.settings.maxUrlBytes)) {
      for await (const page of client.query(soql, { object, includeDeleted, signal })) {
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
  choices: ReadChoices;
  keys: StreamKeys;
  readApi: ReadApi;
}

export function choosePageSource(options: SourceOptions): PageSource {
  const { client, log, object, selected, describe, choices, keys, readApi } = options;
  const rest = restPageSource(client, object, selected, choices, keys, log);
  // Bulk results cannot be resumed after a record without Id: such objects are read through REST.
  if (readApi === 'rest' || !keys.primaryKey) return rest;
  const bulk = bulkPageSource(client, object, selected, describe, choices, keys, log);
  const bulkOrRest: PageSource = async function* (bounds) {
    if (choices.bulkRefused) return yield* rest(bounds);
    try {
      yield* bulk(bounds);
    } catch (error) {
      if (!(error instanceof BulkRefusedError)) throw error;
      choices.bulkRefused = true;
      await log('WARN', `${object}: Salesforce refused a Bulk job (${error.reason}); ${object} is read through REST for the rest of this sync.`);
      // Nothing of the window was written: the window loop reads it again, through REST (at once through several connections, when it is large).
      throw error;
    }
  };
  if (readApi === 'bulk') return bulkOrRest;
  return async function* (bounds) {
    const pages = rest(bounds)[Symbol.asyncIterator]();
    const first = await pages.next();
    if (first.done) return;
    if ((first.value.estimate ?? 0) > client.settings.bulkThreshold) {
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
