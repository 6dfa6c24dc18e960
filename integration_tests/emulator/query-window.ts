/** How wide a query's SystemModstamp window is: what makes Salesforce time out on big objects. */
import type { OrgStore } from './org-store.js';
import { parseStoredDateTime } from './sf-time.js';
import type { QueryResult } from './soql-engine.js';

/** Milliseconds between the query's SystemModstamp bounds; an open start is the oldest row, an open end now. */
export function windowWidth(store: OrgStore, result: QueryResult): number {
  const rows = store.rows(result.object);
  const oldest = rows.length ? parseStoredDateTime(rows[0].SystemModstamp as string) : store.clock.now();
  const lower = result.window?.lower ? parseStoredDateTime(result.window.lower.value) : oldest;
  const upper = result.window?.upper ? parseStoredDateTime(result.window.upper.value) : Math.max(store.clock.now(), store.newestModstamp(result.object) ?? 0);
  return upper - lower;
}
