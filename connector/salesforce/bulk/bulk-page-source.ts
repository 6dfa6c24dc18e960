/**
 * Pages of a window read through Bulk API 2.0: one queryAll (or query) job per window, ordered like
 * the REST read so that a STATE after each page of 2,000 rows (fewer when rows are wide: a page
 * stays within the client's page bytes) is as safe to resume from.
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
import { BulkQueryJob } from './bulk-job.js';
import { planBulkFields } from './bulk-fields.js';
import { CsvPageSlicer } from './csv-slicer.js';

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
  const pageBytes = client.pageBytes;
  return async function* (bounds) {
    // No ORDER BY: it would turn off PK chunking. The window is one unit instead (see pages.ts `held`).
    const soql = streamQuery(object, plan.select, bounds, keys, false);
    let job: BulkQueryJob;
    let lease: Lease | undefined;
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
    try {
      const total = await job.waitUntilComplete((message) => log('INFO', message));
      let estimate: number | undefined = total;
      let page: Array<Record<string, unknown>> = [];
      const slicer = () =>
        new CsvPageSlicer({
          describe,
          compounds: plan.compounds,
          output,
          primaryKey: keys.primaryKey,
          cursor: keys.cursor,
          maxRowBytes: client.settings.maxCsvRecordBytes,
          pool: client.buffers,
        });
      // Each page holds its records' bytes (their JSON, as held until written) in the read's shared
      // budget while it is gathered and written; waiting for the budget pauses the download, which
      // TCP passes back to Salesforce.
      lease = await client.budget.acquire(pageBytes);
      let bytes = 0;
      // Buffers of batches whose records are all in pages yielded so far, or in the page being gathered.
      let written: Buffer[] = [];
      for await (const batch of job.records(slicer)) {
        for (const record of batch.records) {
          page.push(record);
          bytes += record.end - record.start;
          if (page.length === DEFAULTS.pageRecords || bytes >= pageBytes) {
            lease.resize(bytes);
            yield { records: page, estimate, unordered: true, held: true };
            // Asked for the next page: this one is written, and with it every batch before the current one.
            for (const buffer of written) client.buffers.give(buffer);
            written = [];
            lease.release();
            estimate = undefined;
            page = [];
            bytes = 0;
            lease = await client.budget.acquire(pageBytes);
          }
        }
        written.push(...batch.buffers);
      }
      // The last page, even an empty one, releases the window's state.
      yield { records: page, estimate, unordered: true };
    } finally {
      lease?.release();
      await job.delete();
    }
  };
}
