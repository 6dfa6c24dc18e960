/**
 * How a stream's cursor windows are read: page after page into the stream's checkpoints, the
 * estimate sent once, records without a valid stamp reported. When Salesforce times out on a window
 * (a REST QUERY_TIMEOUT, or a Bulk job that fails or never ends) it is split in two, and a Bulk
 * window too narrow to split is read through REST; when Salesforce drops a query cursor the read
 * resumes right after the last record written. Either way no record is skipped or repeated within
 * the run. What the windows are (bounds, API, formulas, deletions) is read-plan.ts's business.
 *
 * A large window read through REST (read_api rest, or an object Bulk refuses) is divided, after
 * its first page (whose totalSize says it is large, at no extra call), into windows of about equal
 * counts (window-division.ts) read through several connections at once, as many as num_workers
 * leaves free: one REST query carries a few MB/s at most over a long link, and Bulk, which
 * downloads in parallel by itself, is not there. Each window is a lane of the stream's
 * checkpoints (checkpoints.ts), so the state only ever covers the windows read from the start; a
 * window's splits and restarts stay inside its lane, and a failure in one stops them all.
 */
import type { StreamSink } from '../../runtime/source.js';
import { bulkJobOutcome } from '../api/describe-failure.js';
import { BulkJobFailedError, SalesforceApiError, SalesforceFailure } from '../api/failures.js';
import type { SalesforceClient } from '../api/client.js';
import type { StreamKeys } from '../objects.js';
import { BulkRefusedError } from '../bulk/bulk-page-source.js';
import { countQuery, earliestChangeQuery, type QueryBounds } from '../soql.js';
import type { Lane, StreamCheckpoints } from './checkpoints.js';
import { PageOrder } from './page-order.js';
import type { PageSource, ReadChoices, SharedRead } from './pages.js';
import { normalizeDateTime } from './record-shaper.js';
import { divideWindow } from './window-division.js';
import { splitWindow } from './windows.js';

const MAX_CURSOR_RESTARTS = 5;
/**
 * A window read at once is divided into about this many windows per connection, so that connections
 * finishing early find more. Not more: each window ends on a part page, and each costs COUNT() calls.
 */
const WINDOWS_PER_CONNECTION = 3;
/**
 * The most COUNT() calls spent dividing one window (window-division.ts): enough to find a cluster of
 * a few hours in ten years of history and divide it into windows for every connection; evenly
 * spread records take about one per window. A window is only divided past restParallelMinRecords (20,000 records, ten calls of
 * pages at least), so the COUNT() calls are a few percent of a large read's calls, and buy it one
 * connection's throughput per connection free.
 */
const MAX_PROBES = 48;

export interface WindowReader {
  client: SalesforceClient;
  sink: StreamSink;
  object: string;
  keys: StreamKeys;
  choices: ReadChoices;
  /** the plan's API */
  source: PageSource;
  /** the plan reads through REST alone (read_api rest): its windows may be read at once */
  restOnly: boolean;
  /** what reads a window Bulk failed on at its narrowest */
  rest: PageSource;
  pages: StreamCheckpoints;
}

/** A window to read, and whether Bulk already failed on it at its narrowest (then REST reads it). */
interface Window {
  bounds: QueryBounds;
  viaRest?: boolean;
  /** read on one connection: dividing it was tried */
  whole?: boolean;
}

/** What the windows of one stream's read share, whichever connection reads them. */
interface ReadTally {
  badStamps: number;
  restarts: number;
  estimated: boolean;
}

/** Reads `first` and whatever it is split into, in cursor order; then the checkpoints learn every window is read. */
export async function readWindows(reader: WindowReader, first: QueryBounds): Promise<void> {
  const { sink, object, keys, pages } = reader;
  const tally: ReadTally = { badStamps: 0, restarts: 0, estimated: false };
  const [lane] = pages.openLanes(1);
  await readLane(reader, tally, lane, first);
  await pages.close(lane);
  await pages.finish();
  if (tally.badStamps > 1) await sink.log('WARN', `${object}: ${tally.badStamps} records in all arrived without a valid ${keys.cursor}.`);
}

/**
 * Reads `first` and whatever it is split into, in cursor order, into `lane`. A window of the
 * stream's own lane may be read at once through several connections; a window already divided
 * (`shared`) is read through REST on its one connection.
 */
async function readLane(reader: WindowReader, tally: ReadTally, lane: Lane, first: QueryBounds, shared?: SharedRead): Promise<void> {
  const { client, sink, object, keys, choices, source, rest, restOnly, pages } = reader;
  const windows: Window[] = [{ bounds: first }];
  const order = new PageOrder(keys, () => client.orgClock.now());
  while (windows.length) {
    const { bounds: window, viaRest, whole } = windows.shift()!;
    const throughRest = viaRest || shared !== undefined || choices.bulkRefused === true || restOnly;
    const divisible = throughRest && !shared && !whole && keys.cursor !== undefined && keys.primaryKey !== undefined;
    const startedAt = lane.position;
    // What is left of the window after its first page, when that page says it is worth dividing, and the connections borrowed for it.
    let large: { records: number; borrowed: number } | undefined;
    // A window read in no order (Bulk) has no position inside it to resume after.
    let unordered = false;
    try {
      for await (const page of (throughRest ? rest : source)(window, shared)) {
        unordered ||= page.unordered === true;
        if (!tally.estimated && page.estimate !== undefined) {
          tally.estimated = true;
          await sink.estimate(page.estimate);
        }
        const problems = order.check(page.records, page.unordered);
        if (problems.length && tally.badStamps === 0) {
          await sink.log(
            'WARN',
            `${object}: Salesforce sent record ${problems[0].id} without a valid ${keys.cursor} (${JSON.stringify(problems[0].value) ?? 'none'}; missing, not a date-time, or more than a day ahead); such records are delivered with ${keys.cursor} null and never move the saved cursor.`,
          );
        }
        tally.badStamps += problems.length;
        await pages.page(page, lane);
        // The first page says how large the window is (no call spent asking): a large one is divided after it, when connections are free.
        if (divisible && (page.estimate ?? 0) > client.settings.restParallelMinRecords && lane.position !== startedAt) {
          const borrowed = client.connections.borrow(client.connections.limit - 1);
          if (borrowed) {
            large = { records: page.estimate! - page.records.length, borrowed };
            break;
          }
        }
      }
    } catch (error) {
      // Another window of the stream failed: that failure is the one reported.
      if (shared?.signal.aborted) throw error;
      // Bulk refused the object before anything of the window was written: read it again, through REST.
      if (error instanceof BulkRefusedError && choices.bulkRefused) {
        windows.unshift({ bounds: window });
        continue;
      }
      const code = error instanceof SalesforceApiError ? error.errorCode : undefined;
      // Resume after the last record written in this window, if any.
      const resume: QueryBounds = lane.position !== startedAt && lane.position && !unordered ? { ...window, after: lane.position } : window;
      if (code === 'QUERY_TIMEOUT' && keys.cursor) {
        // Split from the oldest change, not from the dawn of time: halves of empty years cost calls too.
        if (!resume.from && !resume.after) resume.from = await earliestChange(client, object, keys.cursor, choices.includeDeleted);
        const halves = splitWindow(resume, client.orgClock.now());
        if (!halves) throw error;
        await sink.log(
          'WARN',
          `${object}: Salesforce timed out on the window from ${resume.after?.stamp ?? resume.from ?? 'the beginning'} to ${resume.to ?? 'now'}; reading it in two halves.`,
        );
        windows.unshift(...halves.map((bounds) => ({ bounds, viaRest })));
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
      if (code === 'INVALID_QUERY_LOCATOR' && keys.primaryKey && tally.restarts++ < MAX_CURSOR_RESTARTS) {
        await sink.log('WARN', `${object}: Salesforce dropped the query cursor; continuing after the last record written.`);
        windows.unshift({ bounds: resume, viaRest });
        continue;
      }
      throw error instanceof SalesforceFailure ? error.in({ object, action: `read ${object}` }) : error;
    }
    if (large && lane.position) {
      const left = { ...window, after: lane.position };
      if (!(await readAtOnce(reader, tally, lane, left, large.records, large.borrowed))) windows.unshift({ bounds: left, viaRest, whole: true });
    }
  }
}

/**
 * Reads what is left of a large window (`window`, after its first page) through the stream's
 * connection and `borrowed` ones at once: its windows (window-division.ts) become lanes before
 * `lane`, read by one worker per connection, each taking the next window in cursor order; a
 * borrowed connection goes back as soon as no window is left for it. False, with every
 * connection given back, when the window is to be read on one connection after all.
 */
async function readAtOnce(reader: WindowReader, tally: ReadTally, lane: Lane, window: QueryBounds, total: number, borrowed: number): Promise<boolean> {
  const { client, sink, object, keys, choices, pages } = reader;
  let windows: QueryBounds[] = [];
  try {
    const count = async (bounds: QueryBounds): Promise<number> => {
      for await (const page of client.query(countQuery(object, bounds, keys), { object, includeDeleted: choices.includeDeleted })) return page.totalSize;
      return 0;
    };
    const now = client.orgClock.now();
    const lanes = borrowed + 1;
    windows = await divideWindow({ window, total, parts: WINDOWS_PER_CONNECTION * lanes, maxProbes: MAX_PROBES, lanes, now }, count);
  } catch {
    // A window that cannot be counted is read on one connection, which reports what is wrong with it.
    windows = [];
  }
  // One connection per window at most; none borrowed when the window stays whole.
  const spare = Math.max(0, borrowed - Math.max(0, windows.length - 1));
  client.connections.give(spare);
  const extra = borrowed - spare;
  if (!extra) return false;
  const connections = extra + 1;
  await sink.log(
    'INFO',
    `${object}: reading ${total.toLocaleString('en-US')} records through ${connections} connections at once, in ${windows.length} windows of ${keys.cursor}.`,
  );
  const lanes = pages.openLanes(windows.length, lane);
  const stop = new AbortController();
  const shared: SharedRead = { sharing: connections, signal: stop.signal };
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async (own: boolean) => {
    try {
      while (!failure && next < windows.length) {
        const at = next++;
        await readLane(reader, tally, lanes[at], windows[at], shared);
        await pages.close(lanes[at]);
      }
    } catch (error) {
      failure ??= { error };
      stop.abort(error);
    } finally {
      if (!own) client.connections.give(1);
    }
  };
  await Promise.all([worker(true), ...Array.from({ length: extra }, () => worker(false))]);
  if (failure) throw failure.error;
  return true;
}

async function earliestChange(client: SalesforceClient, object: string, cursor: string, includeDeleted: boolean): Promise<string | undefined> {
  for await (const page of client.query(earliestChangeQuery(object, cursor), { object, includeDeleted })) {
    const stamp = page.records[0]?.[cursor];
    return typeof stamp === 'string' ? normalizeDateTime(stamp) : undefined;
  }
  return undefined;
}
