/**
 * One Bulk API 2.0 query job: create, poll with growing pauses until it completes, stream its CSV
 * result pages (header row on each, Sforce-Locator to the next), delete it. Results are read as
 * they arrive (csv-slicer.ts), so memory stays flat however large the job is.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DATA_PATH } from '../api/api-version.js';
import { CsvError } from './csv-rows.js';
import type { CsvPageSlicer, RecordBatch } from './csv-slicer.js';
import { RowTrail } from './row-trail.js';
import { isSalesforceId } from '../api/api-url.js';
import type { SalesforceClient } from '../api/client.js';
import {
  AnswerTooLargeError,
  BulkJobFailedError,
  MalformedAnswerError,
  PagingError,
  ResultPageChangedError,
  SalesforceApiError,
  TransportError,
  UnreadableAnswerError,
  UnsafeUrlError,
  type CallContext,
} from '../api/failures.js';

interface JobInfo {
  id: string;
  state: 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  numberRecordsProcessed?: number;
  errorMessage?: string;
}

/** Rows per result request: few calls per job, while each CSV page is streamed, never held whole. */
export const RESULT_PAGE_RECORDS = 100_000;

/** Get Parallel Results (API 58.0+): result URLs to download at once, five at most per answer. */
interface ResultPages {
  resultPages?: Array<{ resultUrl?: unknown }>;
  nextRecordsUrl?: unknown;
  /** the name the resource's field table gives the next URL */
  nextRecordUrl?: unknown;
  done?: boolean;
}
const MAX_POLL_MS = 20_000;

export class BulkQueryJob {
  private constructor(
    private readonly client: SalesforceClient,
    readonly id: string,
    private readonly context: CallContext,
  ) {}

  static async create(client: SalesforceClient, soql: string, object: string, includeDeleted: boolean): Promise<BulkQueryJob> {
    const context = { object, action: `create a Bulk query job for ${object}` };
    // sendJson also repeats the creation when its answer arrives cut off and does not parse.
    const job = await client.sendJson<JobInfo>(`${DATA_PATH}/jobs/query`, {
      method: 'POST',
      json: { operation: includeDeleted ? 'queryAll' : 'query', query: soql, contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' },
      context,
    });
    // The id goes into every later URL: anything but an Id could point those calls elsewhere.
    if (!isSalesforceId(job?.id)) throw new UnsafeUrlError('Bulk job id', String(job?.id).slice(0, 40), undefined).in(context);
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
      if (job.state === 'Failed' || job.state === 'Aborted') throw new BulkJobFailedError(this.id, job.state, job.errorMessage, false).in(this.context);
      if (Date.now() - started > this.client.settings.bulkJobMaxWaitMs) throw new BulkJobFailedError(this.id, job.state, undefined, true).in(this.context);
    }
  }

  /**
   * Every result row as a record (csv-slicer.ts), in batches as the bytes arrive, page after page;
   * `newPage` gives a slicer for each result page (each starts with its own header row). A locator
   * seen before would loop forever, and is refused.
   */
  async *records(newPage: () => CsvPageSlicer): AsyncGenerator<RecordBatch> {
    const seen = new Set<string>();
    let locator: string | undefined;
    do {
      const query = `maxRecords=${RESULT_PAGE_RECORDS}${locator ? `&locator=${encodeURIComponent(locator)}` : ''}`;
      const page = { next: undefined as string | undefined };
      yield* this.page(`${DATA_PATH}/jobs/query/${this.id}/results?${query}`, newPage, page);
      if (page.next !== undefined) {
        if (seen.has(page.next) || page.next === locator) throw new PagingError('a Bulk result locator that was already read (a loop)').in(this.context);
        seen.add(page.next);
      }
      locator = page.next;
    } while (locator);
  }

  /**
   * The URLs of the job's result pages, each to be downloaded on its own (`page`), as Get Parallel
   * Results lists them five at a time. The first answer is asked for here, so an org that refuses
   * the resource (refusesResultPages) says so before any download starts. Only URLs of this job's
   * results are followed.
   */
  async resultUrls(): Promise<AsyncGenerator<string>> {
    const first = await this.client.getJson<ResultPages>(`${DATA_PATH}/jobs/query/${this.id}/resultPages`, this.context);
    return this.listedUrls(first);
  }

  private async *listedUrls(first: ResultPages): AsyncGenerator<string> {
    const own = `${DATA_PATH}/jobs/query/${this.id}/`;
    const seen = new Set<string>();
    for (let answer: ResultPages | undefined = first; answer;) {
      if (!Array.isArray(answer?.resultPages)) throw new MalformedAnswerError(`Bulk job ${this.id} result pages`, 'resultPages list').in(this.context);
      const urls: string[] = [];
      for (const { resultUrl } of answer.resultPages) {
        if (typeof resultUrl !== 'string' || !resultUrl.startsWith(`${own}results?`)) {
          throw new UnsafeUrlError('Bulk result URL', String(resultUrl).split('?')[0].slice(0, 120), undefined).in(this.context);
        }
        if (seen.has(resultUrl)) throw new PagingError('a Bulk result URL listed twice').in(this.context);
        seen.add(resultUrl);
        urls.push(resultUrl);
      }
      const more: unknown = answer.nextRecordsUrl ?? answer.nextRecordUrl;
      const next: string | undefined = answer.done === false && typeof more === 'string' && more ? more : undefined;
      if (next && !next.startsWith(`${own}resultPages`))
        throw new UnsafeUrlError('Bulk result pages URL', next.split('?')[0].slice(0, 120), undefined).in(this.context);
      if (answer.done === false && !next) throw new PagingError('result pages marked not done without a next URL').in(this.context);
      if (next && seen.has(next)) throw new PagingError('a Bulk result pages URL that was already read (a loop)').in(this.context);
      if (next) seen.add(next);
      // The next URLs are asked for while these pages download, so no download waits a round trip for its next page.
      const following: Promise<ResultPages> | undefined = next ? this.client.getJson<ResultPages>(next, this.context) : undefined;
      // A read stopped before it needs them leaves the answer unread, failed or not.
      following?.catch(() => undefined);
      yield* urls;
      answer = await following;
    }
  }

  /**
   * One result page, its rows as they arrive. A result page is stable while the job exists, so a
   * download that breaks off, or ends short of the rows its Sforce-NumberOfRecords declares, is
   * fetched again (under the request policy's retry rules) and the rows already yielded are skipped.
   * A body that ends cleanly but short is fetched again too: a connection cut where a row ends looks
   * just like it. The rows skipped must be the rows yielded (RowTrail): a page that lacked a row in
   * its middle, or changed, would otherwise lose one row and repeat another, and fails instead with
   * a ResultPageChangedError, never repeated. `found.next` is set to the locator of the page after it.
   */
  async *page(target: string, newPage: () => CsvPageSlicer, found: { next?: string } = {}, signal?: AbortSignal): AsyncGenerator<RecordBatch> {
    const retry = this.client.retries(this.context, signal);
    let given: RowTrail | undefined;
    for (;;) {
      try {
        const { headers, body } = await this.client.openStream(target, { context: this.context, headers: { accept: 'text/csv' }, signal });
        const page = newPage();
        const yielded = (given ??= new RowTrail(page.identity));
        const earlier = yielded.rows;
        const skipped = new RowTrail(page.identity);
        // Rows earlier attempts at this page yielded are left out, once shown to be the same rows: the
        // comparison comes before this attempt adds a row of its own to `yielded`.
        const fresh = ({ records, buffers }: RecordBatch): RecordBatch => {
          const skip = Math.min(records.length, earlier - skipped.rows);
          for (let i = 0; i < skip; i++) skipped.add(records[i]);
          if (skip && skipped.rows === earlier && !skipped.same(yielded)) throw new ResultPageChangedError(this.id, earlier);
          const out = skip ? records.slice(skip) : records;
          for (const record of out) yielded.add(record);
          return { records: out, buffers };
        };
        try {
          for await (const chunk of body) {
            const batch = fresh(page.push(chunk as Buffer));
            if (batch.records.length) yield batch;
          }
          const last = fresh(page.end());
          if (last.records.length) yield last;
        } finally {
          body.destroy();
        }
        const declared = Number(headers['sforce-numberofrecords']);
        if (Number.isFinite(declared) && declared !== page.rows) {
          throw new UnreadableAnswerError(`Bulk job ${this.id} results`, page.rows, `page declared ${declared} rows, got ${page.rows}`);
        }
        // Whole, yet shorter than what was yielded: an earlier download had a row this one lacks.
        if (page.rows < earlier) throw new ResultPageChangedError(this.id, earlier);
        const locatorHeader = headers['sforce-locator'];
        found.next = typeof locatorHeader === 'string' && locatorHeader && locatorHeader !== 'null' ? locatorHeader : undefined;
        return;
      } catch (error) {
        if (signal?.aborted) throw error;
        await retry.failed(csvFailure(error, this.client, this.context));
      }
    }
  }

  /** Best effort: a job left behind is deleted by Salesforce after a week anyway. */
  async delete(): Promise<void> {
    try {
      await this.client.send(`${DATA_PATH}/jobs/query/${this.id}`, { method: 'DELETE', context: this.context });
    } catch {
      // not worth failing a sync that already has its records
    }
  }
}

/**
 * Statuses with which an org, an API version before 58.0 or a proxy in front of the org refuses Get
 * Parallel Results itself (404 NOT_FOUND, 409 for a version it will not answer in, 400, 405, 501);
 * the job's results are then still there through the Sforce-Locator chain. A 403 counts only when
 * it is not Salesforce's (no errorCode of its own: a proxy's page), since Salesforce's 403s are limits.
 */
const REFUSING_STATUSES: ReadonlySet<number> = new Set([400, 404, 405, 409, 501]);

export function refusesResultPages(error: unknown): error is SalesforceApiError {
  if (!(error instanceof SalesforceApiError)) return false;
  return REFUSING_STATUSES.has(error.status) || (error.status === 403 && error.errorCode === 'HTTP_403');
}

/** A row over the size limit fails the read; any other CSV error of a page is a body mangled in transit, worth fetching again. */
function csvFailure(error: unknown, client: SalesforceClient, context: CallContext): unknown {
  if (!(error instanceof CsvError)) return error;
  if (error.code === 'CSV_MAX_RECORD_SIZE') return new AnswerTooLargeError('CSV record', client.settings.maxCsvRecordBytes, context.action);
  return new TransportError(error.code, 'body', client.host, error.message);
}
