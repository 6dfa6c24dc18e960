/**
 * One Bulk API 2.0 query job: create, poll with growing pauses until it completes, stream its CSV
 * result pages (header row on each, Sforce-Locator to the next), delete it. Results are parsed by
 * csv-parse as they arrive, so memory stays flat however large the job is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse';
import { TransientError } from '../errors.js';
import { DATA_PATH } from '../salesforce/api-version.js';
import type { ErrorContext } from '../salesforce/api-errors.js';
import type { SalesforceClient } from '../salesforce/client.js';

interface JobInfo {
  id: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  numberRecordsProcessed?: number;
  errorMessage?: string;
}

/** Rows per result request: few calls per job, while each CSV page is streamed, never held whole. */
export const RESULT_PAGE_RECORDS = 100_000;
const MAX_POLL_MS = 20_000;
const MAX_WAIT_MS = 3 * 60 * 60 * 1000;
const DOWNLOAD_RETRIES = 3;

export class BulkQueryJob {
  private constructor(
    private readonly client: SalesforceClient,
    readonly id: string,
    private readonly context: ErrorContext,
  ) {}

  static async create(client: SalesforceClient, soql: string, object: string, includeDeleted: boolean): Promise<BulkQueryJob> {
    const context = { object, action: `create a Bulk query job for ${object}` };
    // sendJson also repeats the creation when its answer arrives cut off and does not parse.
    const job = await client.sendJson<JobInfo>(`${DATA_PATH}/jobs/query`, {
      method: 'POST',
      json: { operation: includeDeleted ? 'queryAll' : 'query', query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' },
      context,
      // A job created by an attempt whose answer was lost is only a stray job Salesforce deletes within a week.
      repeatable: true,
    });
    return new BulkQueryJob(client, job.id, { object, action: `read Bulk job ${job.id} for ${object}` });
  }

  /** Polls with doubling pauses; resolves with the number of records the job produced. */
  async waitUntilComplete(onWaiting?: (message: string) => Promise<void>): Promise<number> {
    const started = Date.now();
    let lastNote = started;
    for (let pause = this.client.settings.bulkFirstPollMs; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      await sleep(pause);
      const job = await this.client.getJson<JobInfo>(`${DATA_PATH}/jobs/query/${this.id}`, this.context);
      // A word now and then, so the platform does not take a long job for a hung connector.
      if (onWaiting && Date.now() - lastNote >= 60_000) {
        lastNote = Date.now();
        await onWaiting(`${this.context.object}: Bulk job ${this.id} is ${job.state} after ${Math.round((lastNote - started) / 1000)} s.`);
      }
      if (job.state === 'JobComplete') return job.numberRecordsProcessed ?? 0;
      if (job.state === 'Failed' || job.state === 'Aborted') {
        throw new TransientError(`Salesforce's Bulk job for ${this.context.object} ended ${job.state}; the next run retries from the last saved state.`, {
          internalMessage: `job ${this.id}: ${job.errorMessage ?? job.state}`,
        });
      }
      if (Date.now() - started > MAX_WAIT_MS) {
        throw new TransientError(`Salesforce's Bulk job for ${this.context.object} did not finish within 3 hours; the next run retries.`, { internalMessage: `job ${this.id}` });
      }
    }
  }

  /**
   * Every result row as csv-parse's array of cells, page after page; `onHeader` gets each page's
   * header row before that page's rows, to map names to indexes once instead of per row. A result
   * page is stable while the job exists, so a download that breaks off is fetched again and the
   * rows already yielded are skipped.
   */
  async *rows(onHeader: (header: string[]) => void): AsyncGenerator<string[]> {
    let locator: string | undefined;
    do {
      const query = `maxRecords=${RESULT_PAGE_RECORDS}${locator ? `&locator=${encodeURIComponent(locator)}` : ''}`;
      let yielded = 0;
      let next: string | undefined;
      for (let attempt = 0; ; attempt++) {
        const { headers, body } = await this.client.openStream(`${DATA_PATH}/jobs/query/${this.id}/results?${query}`, {
          context: this.context,
          headers: { accept: 'text/csv' },
        });
        // Arrays, not objects keyed by the header (`columns: true`): one allocation less per row.
        // No cast, no relax_* and no info: each costs csv-parse work per field or per row.
        const parser = body.pipe(parse({ columns: false, bom: true }));
        body.on('error', (error) => parser.destroy(error));
        body.on('aborted', () => parser.destroy(new Error('download aborted')));
        let header = true;
        let seen = 0;
        try {
          for await (const cells of parser) {
            const row = cells as string[];
            if (header) {
              header = false;
              onHeader(row);
            } else if (++seen > yielded) {
              yielded++;
              yield row;
            }
          }
          const declared = Number(headers['sforce-numberofrecords']);
          if (Number.isFinite(declared) && declared !== seen) throw new Error(`page declared ${declared} rows, got ${seen}`);
        } catch (error) {
          if (attempt < DOWNLOAD_RETRIES) continue;
          throw new TransientError(`The download of ${this.context.object}'s Bulk results kept breaking off; the next run continues from the last saved state.`, {
            internalMessage: String(error),
            cause: error,
          });
        }
        const locatorHeader = headers['sforce-locator'];
        next = typeof locatorHeader === 'string' && locatorHeader && locatorHeader !== 'null' ? locatorHeader : undefined;
        break;
      }
      locator = next;
    } while (locator);
  }

  /** Best effort: a job left behind is deleted by Salesforce after a week anyway. */
  async delete(): Promise<void> {
    try {
      await this.client.send(`${DATA_PATH}/jobs/query/${this.id}`, { method: 'DELETE', context: this.context, repeatable: true });
    } catch {
      // not worth failing a sync that already has its records
    }
  }
}

