/** What a page source yields, REST or Bulk alike (shared by both, so neither imports the other). */
import type { QueryBounds } from '../soql.js';
import type { TextEncoding } from '../api/types.js';

export interface SourcePage {
  /**
   * Records as the RECORD messages carry them (typed, datetimes normalized), ordered by
   * (SystemModstamp, Id). Each source shapes its own: Bulk builds them straight from CSV cells,
   * where a second pass over every record would cost as much as building it.
   */
  records: Array<Record<string, unknown>>;
  /** how many records the whole window holds, when the source knows (first page only) */
  estimate?: number;
  /** how the records' strings are to be written (see TextEncoding); utf8 when absent */
  encoding?: TextEncoding;
}

export type PageSource = (bounds: QueryBounds) => AsyncIterable<SourcePage>;
