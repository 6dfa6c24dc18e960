/** Where a stream's pages come from: the REST query API (Bulk API 2.0 lives in bulk/). */
import type { SalesforceClient } from '../salesforce/client.js';
import type { DescribeField } from '../salesforce/types.js';
import { streamQuery, type QueryBounds } from '../soql.js';

export interface SourcePage {
  /** raw records in Salesforce's REST shape, ordered by (SystemModstamp, Id) */
  records: Array<Record<string, unknown>>;
  /** how many records the whole window holds, when the source knows (first page only) */
  estimate?: number;
}

export type PageSource = (bounds: QueryBounds) => AsyncIterable<SourcePage>;

export function restPageSource(client: SalesforceClient, object: string, fields: readonly DescribeField[], includeDeleted: boolean): PageSource {
  const names = fields.map((f) => f.name);
  return async function* (bounds) {
    let first = true;
    for await (const page of client.query(streamQuery(object, names, bounds), { object, includeDeleted })) {
      yield { records: page.records, estimate: first ? page.totalSize : undefined };
      first = false;
    }
  };
}
