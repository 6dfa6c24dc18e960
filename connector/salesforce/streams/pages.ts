/** What a page source yields, REST or Bulk alike (shared by both, so neither imports the other). */
import type { QueryBounds } from '../soql.js';

export interface SourcePage {
  /**
   * Records as the RECORD messages carry them (typed, datetimes normalized), ordered by
   * (cursor, Id), except in a window whose pages are `held`. Each source shapes its own: Bulk builds them straight from CSV cells,
   * where a second pass over every record would cost as much as building it.
   */
  records: Array<Record<string, unknown>>;
  /** how many records the whole window holds, when the source knows (first page only) */
  estimate?: number;
  /** the page comes from a window read in no order (a Bulk job without ORDER BY) */
  unordered?: boolean;
  /**
   * The window is read in no order and this is not its last page: its
   * records go out, but the stream's state stays where it was before the window until the last page
   * (the one without `held`), so a STATE never claims records of the window not yet written.
   */
  held?: boolean;
}

/** How a window is read beside others (window-loop.ts): REST pages only. */
export interface SharedRead {
  /** windows of the stream read at the same time: each query takes its share of the byte budget */
  sharing: number;
  /** aborted when another window fails: this one's queries stop */
  signal: AbortSignal;
}

export type PageSource = (bounds: QueryBounds, shared?: SharedRead) => AsyncIterable<SourcePage>;

/** What one stream's read has learnt about its object; decided once, then kept for every window. */
export interface ReadChoices {
  /** queryAll (soft-deleted records too) until the object refuses it */
  includeDeleted: boolean;
  /** set once Salesforce refused a Bulk job on the object */
  bulkRefused?: boolean;
}
