/**
 * REST query pages as a broken or hostile server could send them: a next URL pointing anywhere, a
 * locator that loops, pages that do not advance or go backwards, unreadable SystemModstamps. Each
 * alteration changes one real page; the records around it stay the org's.
 */
import { applyEdits, type PageAlteration } from './misbehaviour.js';
import { pageJson, type CursorStore, type QueryPage } from './query-cursors.js';

export interface AlterationContext {
  cursors: CursorStore;
  /** The request's own path and query string, as the client sent it. */
  requestUrl: string;
}

/** The page's text as the alteration makes it: a rewrite edits the text, the others the page. */
export function alteredPageText(page: QueryPage, alteration: PageAlteration, ctx: AlterationContext): string {
  if (alteration.kind === 'rewritePage') return applyEdits(pageJson(page), alteration.edits);
  return pageJson(alterPage(page, alteration, ctx));
}

function alterPage(page: QueryPage, alteration: Exclude<PageAlteration, { kind: 'rewritePage' }>, ctx: AlterationContext): QueryPage {
  switch (alteration.kind) {
    case 'nextUrl':
      return { ...page, done: false, nextRecordsUrl: alteration.url };
    case 'repeatNextUrl':
      return { ...page, done: false, nextRecordsUrl: ctx.requestUrl };
    case 'doneWithoutNext':
      return { ...page, done: false, nextRecordsUrl: null };
    case 'stamp':
      return { ...page, records: restamp(page.records, alteration.index ?? 0, alteration.value) };
    case 'outOfOrder':
      return { ...page, records: [...page.records].reverse() };
    case 'backwardsPage':
      // The query's first records: older than (or tied with) everything the client has seen so far.
      return { ...page, records: ctx.cursors.replay(page.origin, 0, page.records.length) };
    case 'emptyNotDone':
      // A fresh locator at this page's own offset: valid, loses no record, and makes no progress.
      return { ...page, done: false, records: [], nextRecordsUrl: ctx.cursors.reopen(page.origin) };
    case 'totalSize':
      return { ...page, totalSize: alteration.value };
  }
}

/** Sets (or, for undefined, removes) SystemModstamp on one record; a page without that record is left alone. */
function restamp(records: string[], index: number, value: unknown): string[] {
  if (index >= records.length) return records;
  const record = JSON.parse(records[index]) as Record<string, unknown>;
  if (value === undefined) delete record.SystemModstamp;
  else record.SystemModstamp = value;
  const out = [...records];
  out[index] = JSON.stringify(record);
  return out;
}
