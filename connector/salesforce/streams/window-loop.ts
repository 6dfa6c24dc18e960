/**
 * How a stream's cursor windows are read: page after page into the stream's checkpoints, the
 * estimate sent once, records without a valid stamp reported. When Salesforce times out on a window
 * (a REST QUERY_TIMEOUT, or a Bulk job that fails or never ends) it is split in two, and a Bulk
 * window too narrow to split is read through REST; when Salesforce drops a query cursor the read
 * resumes right after the last record written. Either way no record is skipped or repeated within
 * the run. What the windows are (bounds, API, formulas, deletions) is read-plan.ts's business.
 */
import type { StreamSink } from '../../runtime/source.js';
import { bulkJobOutcome } from '../api/describe-failure.js';
import { BulkJobFailedError, SalesforceApiError, SalesforceFailure } from '../api/failures.js';
import type { SalesforceClient } from '../api/client.js';
import type { StreamKeys } from '../objects.js';
import { earliestChangeQuery, type QueryBounds } from '../soql.js';
import type { StreamCheckpoints } from './checkpoints.js';
import { PageOrder } from './page-order.js';
import type { PageSource, ReadChoices } from './pages.js';
import { normalizeDateTime } from './record-shaper.js';
import { splitWindow } from './windows.js';

const MAX_CURSOR_RESTARTS = 5;

export interface WindowReader {
  client: SalesforceClient;
  sink: StreamSink;
  object: string;
  keys: StreamKeys;
  choices: ReadChoices;
  /** the plan's API */
  source: PageSource;
  /** what reads a window Bulk failed on at its narrowest */
  rest: PageSource;
  pages: StreamCheckpoints;
}

/** A window to read, and whether Bulk already failed on it at its narrowest (then REST reads it). */
interface Window {
  bounds: QueryBounds;
  viaRest?: boolean;
}

/** Reads `first` and whatever it is split into, in cursor order; then the checkpoints learn every window is read. */
export async function readWindows(reader: WindowReader, first: QueryBounds): Promise<void> {
  const { client, sink, object, keys, choices, source, rest, pages } = reader;
  const windows: Window[] = [{ bounds: first }];
  const order = new PageOrder(keys, () => client.orgClock.now());
  let badStamps = 0;
  let restarts = 0;
  let estimated = false;
  while (windows.length) {
    const { bounds: window, viaRest } = windows.shift()!;
    const startedAt = pages.position;
    // A window read in no order (Bulk) has no position inside it to resume after.
    let unordered = false;
    try {
      for await (const page of (viaRest ? rest : source)(window)) {
        unordered ||= page.unordered === true;
        if (!estimated && page.estimate !== undefined) {
          estimated = true;
          await sink.estimate(page.estimate);
        }
        const problems = order.check(page.records, page.unordered);
        if (problems.length && badStamps === 0) {
          await sink.log(
            'WARN',
            `${object}: Salesforce sent record ${problems[0].id} without a valid ${keys.cursor} (${JSON.stringify(problems[0].value) ?? 'none'}; missing, not a date-time, or more than a day ahead); such records are delivered with ${keys.cursor} null and never move the saved cursor.`,
          );
        }
        badStamps += problems.length;
        await pages.page(page);
      }
    } catch (error) {
      const code = error instanceof SalesforceApiError ? error.errorCode : undefined;
      // Resume after the last record written in this window, if any.
      const resume: QueryBounds = pages.position !== startedAt && pages.position && !unordered ? { ...window, after: pages.position } : window;
      if (code === 'QUERY_TIMEOUT' && keys.cursor) {
        // Split from the oldest change, not from the dawn of time: halves of empty years cost calls too.
        if (!resume.from && !resume.after) resume.from = await earliestChange(client, object, keys.cursor, choices.includeDeleted);
        const halves = splitWindow(resume, client.orgClock.now());
        if (!halves) throw error;
        await sink.log(
          'WARN',
          `${object}: Salesforce timed out on the window from ${resume.after?.stamp ?? resume.from ?? 'the beginning'} to ${resume.to ?? 'now'}; reading it in two halves.`,
        );
        windows.unshift(...halves.map((bounds) => ({ bounds })));
        continue;
      }
      if (error instanceof BulkJobFailedError && keys.cursor) {
        // A failed job delivered nothing of its window: split it, down to a width Bulk should manage, then use REST.
        if (!window.from && !window.after) window.from = await earliestChange(client, object, keys.cursor, choices.includeDeleted);
        const halves = splitWindow(window, client.orgClock.now(), client.settings.bulkMinWindowMs);
        const span = `the window from ${window.from ?? 'the beginning'} to ${window.to ?? 'now'}`;
        await sink.log(
          'WARN',
          `${object}: Salesforce's Bulk job ${bulkJobOutcome(error)} on ${span}; ${halves ? 'reading it in two halves' : 'reading it through REST instead'}.`,
        );
        windows.unshift(...(halves ? halves.map((bounds) => ({ bounds })) : [{ bounds: window, viaRest: true }]));
        continue;
      }
      if (code === 'INVALID_QUERY_LOCATOR' && keys.primaryKey && restarts++ < MAX_CURSOR_RESTARTS) {
        await sink.log('WARN', `${object}: Salesforce dropped the query cursor; continuing after the last record written.`);
        windows.unshift({ bounds: resume, viaRest });
        continue;
      }
      throw error instanceof SalesforceFailure ? error.in({ object, action: `read ${object}` }) : error;
    }
  }
  await pages.finish();
  if (badStamps > 1) await sink.log('WARN', `${object}: ${badStamps} records in all arrived without a valid ${keys.cursor}.`);
}

async function earliestChange(client: SalesforceClient, object: string, cursor: string, includeDeleted: boolean): Promise<string | undefined> {
  for await (const page of client.query(earliestChangeQuery(object, cursor), { object, includeDeleted })) {
    const stamp = page.records[0]?.[cursor];
    return typeof stamp === 'string' ? normalizeDateTime(stamp) : undefined;
  }
  return undefined;
}
