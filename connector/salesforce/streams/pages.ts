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
