/** What a page source yields, REST or Bulk alike (shared by both, so neither imports the other). */
import type { QueryBounds } from '../soql.js';

export interface SourcePage {
  /**
   * Records as the RECORD messages carry them (typed, datetimes normalized), ordered by
   * (SystemModstamp, Id). Each source shapes its own: Bulk builds them straight from CSV cells,
   * where a second pass over every record would cost as much as building it.
   */
  records: Array<Record<string, unknown>>;
  /** how many records the whole window holds, when the source knows (first page only) */
  estimate?: number;
}

export type PageSource = (bounds: QueryBounds) => AsyncIterable<SourcePage>;

/** What one stream's read has learnt about its object; decided once, then kept for every window. */
export interface ReadChoices {
  /** queryAll (soft-deleted records too) until the object refuses it */
  includeDeleted: boolean;
  /** set once Salesforce refused a Bulk job on the object */
  bulkRefused?: boolean;
}
