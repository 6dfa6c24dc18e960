/**
 * Pages of a window read through Bulk API 2.0: one queryAll (or query) job per window, its rows in
 * pages of 2,000 (fewer when rows are wide: a page stays within its share of the byte budget). The
 * job's results come in no order, so the window is one unit for the state (pages.ts `held`). When
 * num_workers leaves connections free, the job's result pages are downloaded through several of
 * them at once (Get Parallel Results), which multiplies what a link of a few MB/s per connection
 * carries; one stream alone otherwise reads one page after another.
 */
import { SalesforceApiError } from '../api/failures.js';
import type { SalesforceClient } from '../api/client.js';
import type { DescribeField } from '../api/types.js';
import type { StreamKeys } from '../objects.js';
import { streamQuery } from '../soql.js';
import type { PageSource, ReadChoices } from '../streams/pages.js';
import { fallBackToQuery, refusesQueryAll } from '../streams/query-all.js';
import type { Log } from '../../runtime/source.js';
import { DEFAULTS } from '../config/defaults.js';
import type { Lease } from '../../runtime/byte-budget.js';
import { BulkQueryJob, refusesResultPages } from './bulk-job.js';
import { planBulkFields } from './bulk-fields.js';
import { CsvPageSlicer, type RecordBatch } from './csv-slicer.js';

/** The smallest page a download gathers into, however many share the budget. */
const MIN_PAGE_BYTES = 256 * 1024;

/** Salesforce refused to run a Bulk job for this object: read it through REST instead. */
export class BulkRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BulkRefusedError';
  }
}

export function bulkPageSource(
  client: SalesforceClient,
  object: string,
  selected: readonly DescribeField[],
  describe: readonly DescribeField[],
  choices: ReadChoices,
  keys: StreamKeys,
  log: Log,
): PageSource {
  const plan = planBulkFields(selected, describe);
  const output = selected.map((f) => f.name);
  return async function* (bounds) {
    // No ORDER BY: it would turn off PK chunking. The window is one unit instead (see pages.ts `held`).
    const soql = streamQuery(object, plan.select, bounds, keys, false);
    let job: BulkQueryJob;
    try {
      job = await BulkQueryJob.create(client, soql, object, choices.includeDeleted).catch(async (error: unknown) => {
        if (!choices.includeDeleted || !refusesQueryAll(error)) throw error;
        await fallBackToQuery(object, error, choices, log);
        return BulkQueryJob.create(client, soql, object, false);
      });
    } catch (error) {
      if (error instanceof SalesforceApiError && error.status === 400) throw new BulkRefusedError(`${error.errorCode}: ${error.sfMessage}`);
      throw error;
    }
    let extra = 0;
    let current: GatheredPage | undefined;
    try {
      const total = await job.waitUntilComplete((message) => log('INFO', message));
      const slicer = () =>
        new CsvPageSlicer({
          describe,
          compounds: plan.compounds,
          output,
          primaryKey: keys.primaryKey,
          cursor: keys.cursor,
          maxRowBytes: client.settings.maxCsvRecordBytes,
          batchBytes: client.settings.bulkCsvBatchBytes,
          pool: client.buffers,
        });
      // Connections num_workers leaves free read the result pages at once; a job of one page needs none.
      const wanted = total > client.settings.bulkParallelMinRecords && !client.resultPagesRefused ? client.settings.bulkDownloadsPerJob - 1 : 0;
      extra = wanted ? client.connections.borrow(wanted) : 0;
      const urls = extra ? await resultUrlsUnlessRefused(client, job, object, log) : undefined;
      if (!urls) {
        client.connections.give(extra);
        extra = 0;
      }
      if (extra) await log('INFO', `${object}: downloading the ${total} records of Bulk job ${job.id} through up to ${extra + 1} connections at once.`);
      let estimate: number | undefined = total;
      const pages = urls ? parallelPages(client, job, urls, slicer, extra + 1) : gather(client, client.pageBytes, job.records(slicer));
      for await (const page of pages) {
        current = page;
        // Pages of several downloads arrive in any order: the window's state moves only after the last.
        yield { records: page.records, estimate, unordered: true, held: extra > 0 || !page.last };
        // Asked for the next page: this one is written.
        page.written();
        current = undefined;
        estimate = undefined;
      }
      if (extra) yield { records: [], estimate, unordered: true };
    } finally {
      // A reader that stopped inside a page may still hold its records: their buffers are not used again.
      current?.abandoned();
      client.connections.give(extra);
      await job.delete();
    }
  };
}

/**
 * The job's result URLs, or undefined when the org refuses Get Parallel Results (an org or API
 * version without it, a proxy that blocks it): the job is then read through the Sforce-Locator
 * chain, and no later job of this read asks again. Said once per read.
 */
async function resultUrlsUnlessRefused(client: SalesforceClient, job: BulkQueryJob, object: string, log: Log): Promise<AsyncGenerator<string> | undefined> {
  try {
    return await job.resultUrls();
  } catch (error) {
    if (!refusesResultPages(error)) throw error;
    if (!client.resultPagesRefused) {
      client.resultPagesRefused = true;
      await log(
        'WARN',
        `${object}: Salesforce refused Get Parallel Results for Bulk job ${job.id} (${error.status} ${error.errorCode}), so Bulk results are downloaded one page after another, one connection per job, for the rest of this read.`,
      );
    }
    return undefined;
  }
}

/** Records gathered into a page, and what to hand back once it is written. */
interface GatheredPage {
  records: Array<Record<string, unknown>>;
  /** the last page of its batches */
  last: boolean;
  /** releases the page's bytes in the budget, and the buffers of batches no later page needs */
  written(): void;
  /** releases the page's bytes only, for a page whose reader stopped before writing it */
  abandoned(): void;
}

/**
 * Pages of up to 2,000 records (fewer when a page reaches `pageBytes` of record JSON) out of a
 * stream of row batches. Each page holds its records' bytes in the read's shared budget from
 * before it is gathered until it is written; waiting for the budget pauses the download, which TCP
 * passes back to Salesforce. The last page, even an empty one, comes out with `last`.
 */
async function* gather(client: SalesforceClient, pageBytes: number, batches: AsyncIterable<RecordBatch>, signal?: AbortSignal): AsyncGenerator<GatheredPage> {
  let lease: Lease | undefined = await client.budget.acquire(pageBytes, signal);
  let page: Array<Record<string, unknown>> = [];
  let bytes = 0;
  // Buffers of batches whose records are all in this page or earlier ones.
  let done: Buffer[] = [];
  const handBack = (held: Lease, buffers: Buffer[]) => ({
    written: () => {
      for (const buffer of buffers.splice(0)) client.buffers.give(buffer);
      held.release();
    },
    abandoned: () => held.release(),
  });
  try {
    for await (const batch of batches) {
      for (const record of batch.records) {
        page.push(record);
        bytes += record.end - record.start;
        if (page.length === DEFAULTS.pageRecords || bytes >= pageBytes) {
          lease.resize(bytes);
          const release = handBack(lease, done);
          lease = undefined;
          yield { records: page, last: false, ...release };
          done = [];
          page = [];
          bytes = 0;
          lease = await client.budget.acquire(pageBytes, signal);
        }
      }
      done.push(...batch.buffers);
    }
    const release = handBack(lease, done);
    lease = undefined;
    yield { records: page, last: true, ...release };
  } finally {
    lease?.release();
  }
}

/**
 * The job's result pages downloaded through `downloads` connections at once (Get Parallel Results),
 * each download gathering its own pages, handed on in the order they fill. A failed download stops
 * the others; pages gathered but not handed on give their bytes back.
 */
async function* parallelPages(
  client: SalesforceClient,
  job: BulkQueryJob,
  urls: AsyncGenerator<string>,
  slicer: () => CsvPageSlicer,
  downloads: number,
): AsyncGenerator<GatheredPage> {
  const stop = new AbortController();
  // A share of the budget per download, so each can fill a page while others wait to be written.
  const pageBytes = Math.max(MIN_PAGE_BYTES, Math.floor(client.budget.limit / (2 * downloads)));
  const ready: GatheredPage[] = [];
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  let running = downloads;
  // Each download takes the next URL not taken yet; the shared generator answers one at a time.
  async function* pagesOfUrls(): AsyncGenerator<RecordBatch> {
    for (let next = await urls.next(); !next.done; next = await urls.next()) yield* job.page(next.value, slicer, {}, stop.signal);
  }
  const download = async () => {
    try {
      for await (const page of gather(client, pageBytes, pagesOfUrls(), stop.signal)) {
        if (page.records.length) ready.push(page);
        else page.written();
        wake?.();
      }
    } catch (error) {
      failure ??= { error };
      stop.abort();
    } finally {
      running--;
      wake?.();
    }
  };
  const all = Array.from({ length: downloads }, download);
  try {
    for (;;) {
      if (failure) throw failure.error;
      const page = ready.shift();
      if (page) {
        yield page;
        continue;
      }
      if (running === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stop.abort();
    await Promise.allSettled(all);
    // Pages gathered but never handed on: nobody holds their records.
    for (const page of ready.splice(0)) page.written();
    await urls.return(undefined);
  }
}
