/** Where a stream's pages come from: the REST query API (Bulk API 2.0 lives in bulk/). */
import type { SalesforceClient } from '../salesforce/client.js';
import type { DescribeField } from '../salesforce/types.js';
import { streamQuery, type QueryBounds } from '../soql.js';

/** Raw records of one window, page by page, ordered by (SystemModstamp, Id). */
export type PageSource = (bounds: QueryBounds) => AsyncIterable<Array<Record<string, unknown>>>;

export function restPageSource(client: SalesforceClient, object: string, fields: readonly DescribeField[], includeDeleted: boolean): PageSource {
  const names = fields.map((f) => f.name);
  return async function* (bounds) {
    for await (const page of client.query(streamQuery(object, names, bounds), { object, includeDeleted })) yield page.records;
  };
}
