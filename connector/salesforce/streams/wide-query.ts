/**
 * Keeps every REST query URL under Salesforce's limit (about 16 KB for the URI and headers together)
 * however many fields an object has. A query too long for one URL selects the fields in chunks: the
 * first chunk drives paging, the others are fetched for each page's Ids and joined by Id.
 */
import type { StreamKeys } from '../objects.js';
import { soqlId, streamQuery, type QueryBounds } from '../soql.js';

// Room for the instance host, the API path and the headers besides the encoded SOQL.
const URL_OVERHEAD = 2_500;

const encodedLength = (text: string) => encodeURIComponent(text).length;

export function fitsInUrl(soql: string, maxBytes: number): boolean {
  return encodedLength(soql) + URL_OVERHEAD <= maxBytes;
}

/**
 * Field chunks whose queries each fit in a URL. The first keeps Id and the cursor (it drives
 * paging and order); every other chunk has Id to join on. An object without Id has nothing to join
 * on and is read in one query, however long.
 */
export function chunkFields(object: string, names: readonly string[], bounds: QueryBounds, maxBytes: number, keys: StreamKeys): string[][] {
  const { primaryKey } = keys;
  if (!primaryKey || fitsInUrl(streamQuery(object, names, bounds, keys), maxBytes)) return [[...names]];
  const head = [primaryKey, keys.cursor].filter((k): k is string => k !== undefined);
  const base = streamQuery(object, head, bounds, keys);
  const budget = maxBytes - URL_OVERHEAD - encodedLength(base);
  const rest = names.filter((n) => !head.includes(n));
  const chunks: string[][] = [[...head]];
  let size = 0;
  for (const name of rest) {
    const cost = encodedLength(`,${name}`);
    if (size + cost > budget && chunks.at(-1)!.length > (chunks.length === 1 ? head.length : 1)) {
      chunks.push([primaryKey]);
      size = 0;
    }
    chunks.at(-1)!.push(name);
    size += cost;
  }
  return chunks;
}

/** `SELECT Id,… FROM X WHERE Id IN (…)` queries for one chunk, each within the URL limit. */
export function lookupQueries(object: string, fields: readonly string[], ids: readonly string[], maxBytes: number): string[] {
  const head = `SELECT ${fields.join(',')} FROM ${object} WHERE Id IN (`;
  const budget = maxBytes - URL_OVERHEAD - encodedLength(head) - 1;
  const queries: string[] = [];
  let batch: string[] = [];
  let size = 0;
  for (const id of ids) {
    const literal = soqlId(id);
    const cost = encodedLength(literal) + 3; // the comma, encoded
    if (batch.length && size + cost > budget) {
      queries.push(`${head}${batch.join(',')})`);
      batch = [];
      size = 0;
    }
    batch.push(literal);
    size += cost;
  }
  if (batch.length) queries.push(`${head}${batch.join(',')})`);
  return queries;
}
