/**
 * Bulk API 2.0 query jobs: create, poll, page through CSV results with Sforce-Locator, abort,
 * delete, list. The query runs once at creation and its rows are kept as the job's result, so
 * locators are stable and re-readable for as long as the job exists.
 */
import { randomBytes } from 'node:crypto';
import { csvBody, DELIMITERS, LINE_ENDINGS, rewrittenCsv, type CsvBody } from './bulk-csv.js';
import { notFound, SalesforceError } from './errors.js';
import type { SObjectName } from './field-catalog.js';
import { KEY_PREFIX, randomId } from './ids.js';
import type { BulkResultsAlteration } from './misbehaviour.js';
import type { OrgStore } from './org-store.js';
import { formatDateTime } from './sf-time.js';
import { executeSoql, type QueryAccess, type QueryResult } from './soql-engine.js';
import { windowWidth } from './query-window.js';
import type { SRecord } from './field-catalog.js';

/** The rows in a fixed pseudo-random order (seeded by their Ids), so every run sees the same one. */
function scrambled(rows: readonly SRecord[]): SRecord[] {
  const key = (row: SRecord) => {
    let h = 2166136261;
    for (const c of String(row.Id)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
    return h >>> 0;
  };
  return rows
    .map((row) => ({ row, k: key(row) }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.row);
}

export interface BulkOptions {
  /** Objects whose jobs are refused with INVALIDENTITY, like objects the Bulk API does not support. */
  unsupportedObjects: ReadonlySet<SObjectName>;
  /** Objects whose queryAll jobs are refused, as their REST queryAll is. */
  queryAllUnsupported: ReadonlySet<SObjectName>;
  /** Status polls that report InProgress before a job reports JobComplete. */
  pollsBeforeComplete: number;
  /** Jobs that end Failed (QUERY_TIMEOUT), as jobs on huge objects do; see BulkFailureModes. */
  failures?: BulkFailureModes;
  runAsUserId: string;
  /** Rows of a result page when the request names no maxRecords, and of each URL resultPages lists. Default 50,000. */
  resultPageRows?: number;
  /**
   * false: Get Parallel Results answers 404 NOT_FOUND, as on an org or API version without it (or
   * behind a proxy that blocks it). Versions before 58.0 never have it.
   */
  resultPages?: boolean;
}

/**
 * When a job fails instead of completing. On a real org with tens of millions of rows, a query job
 * times out when its window holds too much, and ORDER BY (which turns off PK chunking) makes that
 * far likelier: a job with ORDER BY fails past `orderByOverRows` rows, and any job whose
 * SystemModstamp window is wider than `widerThanMs` fails.
 */
export interface BulkFailureModes {
  widerThanMs?: number;
  orderByOverRows?: number;
  /** every job ends Aborted instead, as when someone aborts it in Setup */
  abortAll?: boolean;
}

type State = 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Aborted' | 'Failed';

const JOB_TIMEOUT_MESSAGE = 'QUERY_TIMEOUT: Your query request was running for too long.';

interface Job {
  id: string;
  operation: 'query' | 'queryAll';
  object: SObjectName;
  createdDate: string;
  systemModstamp: string;
  state: State;
  apiVersion: string;
  lineEnding: string;
  columnDelimiter: string;
  polls: number;
  result: QueryResult;
  startedAt: number;
  /** why the job will end Failed, if it will */
  failure?: string;
}

export interface BulkReply {
  status: number;
  body: string | unknown;
  headers?: Record<string, string>;
  /** A CSV result page, streamed instead of `body`. */
  csv?: CsvBody;
}

const DEFAULT_MAX_RECORDS = 50_000;
/** The first API version with Get Parallel Results. */
const RESULT_PAGES_SINCE = 58;
/** URLs in one answer of resultPages, as Salesforce documents. */
const RESULT_URLS_PER_ANSWER = 5;
const bad = (errorCode: string, message: string) => new SalesforceError(400, errorCode, message);

function encodeLocator(offset: number): string {
  return Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
}

function decodeLocator(locator: string): number | null {
  const text = Buffer.from(locator, 'base64').toString('utf8');
  return /^\d+$/.test(text) ? Number(text) : null;
}

export class BulkJobs {
  private readonly jobs = new Map<string, Job>();
  created = 0;
  /** The SOQL of every job created, in order (tests check what was asked). */
  readonly queries: string[] = [];
  /** Jobs that ended Failed. */
  failed = 0;

  constructor(
    private readonly store: OrgStore,
    private readonly access: QueryAccess,
    private readonly options: BulkOptions,
  ) {}

  /** `dry` validates and renders the answer without keeping the job (a truncated answer leaves no job behind). */
  create(rawBody: string, version: string, dry = false): BulkReply {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      throw bad('JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
    const operation = body.operation;
    if (operation !== 'query' && operation !== 'queryAll') throw bad('INVALIDJOB', `Invalid operation: ${String(operation)}`);
    if (typeof body.query !== 'string') throw bad('INVALIDJOB', 'The query is required');
    if (body.contentType !== undefined && body.contentType !== 'CSV') throw bad('INVALIDJOB', `Unsupported content type: ${String(body.contentType)}`);
    const columnDelimiter = String(body.columnDelimiter ?? 'COMMA');
    const lineEnding = String(body.lineEnding ?? 'LF');
    if (!(columnDelimiter in DELIMITERS)) throw bad('INVALIDJOB', `Invalid column delimiter: ${columnDelimiter}`);
    if (!(lineEnding in LINE_ENDINGS)) throw bad('INVALIDJOB', `Invalid line ending: ${lineEnding}`);

    const soql = body.query;
    const executed = executeSoql(soql, this.store, this.access, operation === 'queryAll');
    const ordered = /\bORDER\s+BY\b/i.test(soql);
    // Without ORDER BY a job answers in the order its PK chunks finish: no order a reader may rely on.
    const result = ordered ? executed : { ...executed, rows: scrambled(executed.rows) };
    if (this.options.unsupportedObjects.has(result.object)) {
      throw bad('INVALIDENTITY', `Entity '${result.object}' is not supported by the Bulk API.`);
    }
    if (operation === 'queryAll' && this.options.queryAllUnsupported.has(result.object)) {
      throw bad('EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION', `Getting all ${result.object} is unsupported`);
    }
    if (result.countOnly) throw bad('INVALIDJOB', 'Aggregate functions such as COUNT() are not supported in Bulk Query');
    if (result.singlePage) throw bad('INVALIDJOB', 'OFFSET clause is not supported in Bulk Query');
    if (/\bFIELDS\s*\(/i.test(soql) || result.columns.some((c) => c.spec.components !== null)) {
      throw bad('FUNCTIONALITY_NOT_ENABLED', 'Selecting compound data not supported in Bulk Query');
    }

    const now = formatDateTime(this.store.clock.now());
    const job: Job = {
      id: randomId(KEY_PREFIX.BulkJob, randomBytes(12)),
      operation,
      object: result.object,
      createdDate: now,
      systemModstamp: now,
      state: 'UploadComplete',
      apiVersion: version,
      lineEnding,
      columnDelimiter,
      polls: 0,
      result,
      startedAt: Date.now(),
      failure: this.failureOf(result, ordered),
    };
    if (!dry) {
      this.jobs.set(job.id, job);
      this.created++;
      this.queries.push(soql);
    }
    return { status: 200, body: this.info(job, false) };
  }

  /** `dry` reports without counting the poll, so a lost answer does not advance the job. */
  status(id: string, dry = false): BulkReply {
    const job = this.get(id);
    if (!dry && (job.state === 'UploadComplete' || job.state === 'InProgress')) {
      job.polls++;
      job.state = job.polls > this.options.pollsBeforeComplete ? this.endState(job) : 'InProgress';
      if (job.state === 'Failed') this.failed++;
      job.systemModstamp = formatDateTime(this.store.clock.now());
    }
    return { status: 200, body: this.info(job, true) };
  }

  abort(id: string, rawBody: string): BulkReply {
    const job = this.get(id);
    let state: unknown;
    try {
      state = (JSON.parse(rawBody) as { state?: unknown }).state;
    } catch {
      throw bad('JSON_PARSER_ERROR', 'The request body is not valid JSON');
    }
    if (state !== 'Aborted') throw bad('INVALIDJOB', `Invalid state: ${String(state)}`);
    if (job.state === 'JobComplete' || job.state === 'Failed') {
      throw bad('INVALIDJOB', `Cannot abort a job in state ${job.state}`);
    }
    job.state = 'Aborted';
    job.systemModstamp = formatDateTime(this.store.clock.now());
    return { status: 200, body: this.info(job, false) };
  }

  remove(id: string): BulkReply {
    this.get(id);
    this.jobs.delete(id);
    return { status: 204, body: null };
  }

  list(): BulkReply {
    return { status: 200, body: { done: true, records: [...this.jobs.values()].map((j) => this.info(j, false)), nextRecordsUrl: null } };
  }

  /**
   * Get Parallel Results (API 58.0+): up to five result URLs, each a locator of one result page
   * (downloaded on its own), and the URL of the next five while there are more.
   */
  resultPages(id: string, version: string, locator: string | null): BulkReply {
    if (this.options.resultPages === false || Number(version) < RESULT_PAGES_SINCE) throw notFound();
    const job = this.completed(id, version);
    const rows = job.result.rows.length;
    const per = this.options.resultPageRows ?? DEFAULT_MAX_RECORDS;
    const start = locator === null || locator === '' ? 0 : decodeLocator(locator);
    if (start === null || start > rows || start % per !== 0) throw bad('INVALID_QUERY_LOCATOR', `Invalid locator: ${String(locator)}`);
    const base = `/services/data/v${version}/jobs/query/${id}`;
    const resultPages: Array<{ resultUrl: string }> = [];
    let offset = start;
    // An empty result still has its one (header-only) page.
    do {
      resultPages.push({ resultUrl: `${base}/results?locator=${encodeLocator(offset)}` });
      offset += per;
    } while (offset < rows && resultPages.length < RESULT_URLS_PER_ANSWER);
    const done = offset >= rows;
    return { status: 200, body: { resultPages, nextRecordsUrl: done ? null : `${base}/resultPages?locator=${encodeLocator(offset)}`, done } };
  }

  /**
   * One CSV page. `alteration` is asked for only once the page is known to exist, so a misbehaviour
   * queued for it waits for a request that gets a page.
   */
  results(id: string, version: string, locator: string | null, maxRecordsParam: string | null, alteration: () => BulkResultsAlteration | null): BulkReply {
    const job = this.completed(id, version);
    const rows = job.result.rows;
    const offset = locator === null || locator === '' ? 0 : decodeLocator(locator);
    if (offset === null || offset > rows.length) throw bad('INVALID_QUERY_LOCATOR', `Invalid locator: ${String(locator)}`);
    const maxRecords = maxRecordsParam === null ? (this.options.resultPageRows ?? DEFAULT_MAX_RECORDS) : Number(maxRecordsParam);
    if (!Number.isInteger(maxRecords) || maxRecords < 1) throw bad('INVALIDJOB', `Invalid maxRecords: ${String(maxRecordsParam)}`);
    // Only the page's row range is computed here, so the headers go out before any row is rendered.
    const end = Math.min(rows.length, offset + maxRecords);
    const altered = alteration();
    // A looping locator: the one that was asked for (the first page's own when none was).
    const next = altered?.kind === 'repeatLocator' ? locator || encodeLocator(offset) : end >= rows.length ? 'null' : encodeLocator(end);
    const hugeCell = altered?.kind === 'hugeCsvCell' ? altered.bytes : 0;
    const sent = altered?.kind === 'dropCsvRow' ? withoutRow(rows, offset, end, altered.index) : { rows, from: offset, to: end };
    const csv = csvBody(job.result.columns, sent.rows, sent.from, sent.to, DELIMITERS[job.columnDelimiter], LINE_ENDINGS[job.lineEnding], hugeCell);
    return {
      status: 200,
      body: null,
      csv: altered?.kind === 'rewriteCsv' ? rewrittenCsv(csv, altered.edits, altered.pieceBytes) : csv,
      headers: {
        'Content-Type': 'text/csv; charset=UTF-8',
        'Sforce-NumberOfRecords': String(end - offset),
        'Sforce-Locator': next,
      },
    };
  }

  /** A job whose results can be read: asked for in its own API version, and complete. */
  private completed(id: string, version: string): Job {
    const job = this.get(id);
    if (job.apiVersion !== version) {
      throw new SalesforceError(409, 'INVALIDJOB', `Use the API version the job was created with (${job.apiVersion}) to get its results`);
    }
    if (job.state !== 'JobComplete') {
      throw new SalesforceError(
        412,
        'JOB_NOT_COMPLETE',
        `can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: ${job.state === 'Aborted' ? 'ABORTED' : 'IN_PROGRESS'}`,
      );
    }
    return job;
  }

  private get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw notFound();
    return job;
  }

  private endState(job: Job): State {
    if (this.options.failures?.abortAll) return 'Aborted';
    return job.failure ? 'Failed' : 'JobComplete';
  }

  private failureOf(result: QueryResult, ordered: boolean): string | undefined {
    const modes = this.options.failures;
    if (!modes) return undefined;
    if (ordered && modes.orderByOverRows !== undefined && result.rows.length > modes.orderByOverRows) return JOB_TIMEOUT_MESSAGE;
    if (modes.widerThanMs !== undefined && windowWidth(this.store, result) > modes.widerThanMs) return JOB_TIMEOUT_MESSAGE;
    return undefined;
  }

  private info(job: Job, detailed: boolean): Record<string, unknown> {
    const base: Record<string, unknown> = {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: this.options.runAsUserId,
      createdDate: job.createdDate,
      systemModstamp: job.systemModstamp,
      state: job.state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(job.apiVersion),
      lineEnding: job.lineEnding,
      columnDelimiter: job.columnDelimiter,
    };
    if (job.state === 'Failed') base.errorMessage = job.failure;
    if (!detailed) return base;
    return {
      ...base,
      jobType: 'V2Query',
      numberRecordsProcessed: job.state === 'JobComplete' ? job.result.rows.length : 0,
      retries: 0,
      totalProcessingTime: job.state === 'JobComplete' ? Math.max(1, Date.now() - job.startedAt) : 0,
      isPkChunkingSupported: true,
    };
  }

  clear(): void {
    this.jobs.clear();
  }
}

/** Rows `from` to `to` of `rows` but for the page's row `index` (its middle one by default); all of them when it has no such row. */
function withoutRow(rows: readonly SRecord[], from: number, to: number, index = Math.floor((to - from) / 2)): { rows: SRecord[]; from: number; to: number } {
  const page = rows.slice(from, to);
  page.splice(index, 1);
  return { rows: page, from: 0, to: page.length };
}
