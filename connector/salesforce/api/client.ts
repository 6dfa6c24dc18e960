/**
 * The Salesforce REST client: authenticated calls on the configured origin through the request
 * policy, a token renewed after a 401 (once for all concurrent callers), API usage tracked from
 * Sforce-Limit-Info, and query paging that refuses any answer breaking the rules a read relies on.
 * It throws typed failures (failures.ts) and knows nothing about streams or messages.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedConfig } from '../config/load-config.js';
import type { Redactor } from '../../runtime/redactor.js';
import { ByteBudget, type Lease } from '../../runtime/byte-budget.js';
import type { Settings } from '../settings.js';
import { DEFAULTS } from '../config/defaults.js';
import { parseErrorBody } from './api-errors.js';
import { DATA_PATH } from './api-version.js';
import { BufferPool } from './buffer-pool.js';
import { ConnectionSlots } from './connection-slots.js';
import { dataApiUrl } from './api-url.js';
import { MalformedAnswerError, PagingError, SalesforceApiError, SalesforceFailure, UnreadableAnswerError, type CallContext } from './failures.js';
import type { GuardedBody } from './guarded-body.js';
import { parseLimitInfo, type ApiUsage } from './limit-info.js';
import { answerDate, OrgClock } from './org-clock.js';
import { QuotaGuard } from './quota.js';
import { RequestPolicy, type Answer, type WaitHooks } from './request-policy.js';
import { parseRetryAfter } from './retry-rules.js';
import { TokenProvider, type AccessToken } from './token-provider.js';
import type { PersistConfig } from '../../runtime/source.js';
import type { DeletedPage, DescribeResult, PageDecoder, QueryPage } from './types.js';

/** Salesforce's smallest REST page. */
const MIN_BATCH = 200;
const MIN_PAGE_BYTES = 256 * 1024;

export interface QueryOptions {
  object: string;
  includeDeleted: boolean;
  /** the largest page asked for (Salesforce's 2,000 by default) */
  batchSize?: number;
  /**
   * Records may be large (long text areas, up to 128 KB each): the first page asks for Salesforce's
   * smallest batch, later pages for what fits at the width the first one showed.
   */
  wide?: boolean;
  /** How a page's bytes become a page; JSON.parse by default (streams/record-slicer.ts reads records without parsing them). */
  decode?: PageDecoder;
  /**
   * Queries of one stream read at the same time (windows read at once, window-loop.ts): each page
   * is then sized to its share of the budget, so that every one of them has a page in flight and
   * one more is being written, instead of a few pages of a third of the budget each taking it all
   * while the other connections idle. Not half a share (a page and the next one ahead for each):
   * the pages would shrink to a few hundred records and the calls multiply, for an overlap that a
   * page written in milliseconds hardly needs.
   */
  sharing?: number;
  /** Abandons the query (another window of the stream failed): its pages stop, its prefetch is dropped. */
  signal?: AbortSignal;
}

interface SizedPage {
  page: QueryPage;
  bytes: number;
  lease: Lease;
}

/** As many records as fit in `pageBytes` at `bytesPerRecord`, within Salesforce's 200 and `max`. */
export function fitBatch(max: number, pageBytes: number, bytesPerRecord: number | undefined): number {
  if (!bytesPerRecord) return max;
  return Math.max(Math.min(MIN_BATCH, max), Math.min(max, Math.floor(pageBytes / bytesPerRecord)));
}

// Under heavy concurrency a renewed session can expire again before every waiting call has used it.
const MAX_RENEWALS_PER_CALL = 4;

export interface SendOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  json?: unknown;
  headers?: Record<string, string>;
  context: CallContext;
  signal?: AbortSignal;
}

export class SalesforceClient {
  /** Metered REST calls this run made, every attempt counted as Salesforce counts them. */
  apiCalls = 0;
  readonly callsByObject = new Map<string, number>();
  /** Attempts repeated after a failure, per object ('' for calls on no object). */
  readonly retriesByObject = new Map<string, number>();
  readonly quota: QuotaGuard;
  readonly tokens: TokenProvider;
  /** the read's bytes in flight, shared by every stream's pages (REST and Bulk) */
  readonly budget: ByteBudget;
  /** page-sized buffers used again (a page's bytes, the records sliced out of it), up to the budget's size spare */
  readonly buffers: BufferPool;
  /** the org's time as its answers showed it: for every position Salesforce compares with its own stamps */
  readonly orgClock = new OrgClock();
  /** the config's num_workers, as connections: one per stream read, the rest for a stream's extra downloads */
  readonly connections: ConnectionSlots;
  /** the org refused Get Parallel Results once this run: not asked again (bulk-page-source.ts) */
  resultPagesRefused = false;
  private readonly policy: RequestPolicy;

  constructor(
    config: ResolvedConfig,
    private readonly redactor: Redactor,
    readonly settings: Settings,
    waits: WaitHooks = {},
    persistConfig?: PersistConfig,
  ) {
    this.quota = new QuotaGuard(config.apiBudgetPercent);
    this.budget = new ByteBudget(settings.maxBytesInFlight);
    this.buffers = new BufferPool(settings.maxBytesInFlight);
    this.connections = new ConnectionSlots(config.numWorkers);
    this.policy = new RequestPolicy(
      settings,
      {
        onAnswer: (url, headers, context) => this.observe(url, headers, context),
        onRetry: (event) => {
          const key = event.context.object ?? '';
          this.retriesByObject.set(key, (this.retriesByObject.get(key) ?? 0) + 1);
          waits.onRetry?.(event);
        },
        onResume: waits.onResume,
      },
      this.buffers,
    );
    this.tokens = new TokenProvider(this.policy, config, redactor, settings.tokenMaxAgeMs, this.orgClock, persistConfig);
  }

  /** the org's host[:port], as calls go to it */
  get host(): string {
    return this.tokens.apiHost;
  }

  get orgUsage(): ApiUsage | undefined {
    return this.quota.lastUsage;
  }

  get totalRetries(): number {
    let sum = 0;
    for (const n of this.retriesByObject.values()) sum += n;
    return sum;
  }

  private observe(url: URL, headers: IncomingHttpHeaders, context: CallContext): void {
    if (url.pathname.startsWith('/services/data/')) this.orgClock.observe(headers);
    if (url.pathname.startsWith('/services/data/v')) {
      this.apiCalls++;
      if (context.object) this.callsByObject.set(context.object, (this.callsByObject.get(context.object) ?? 0) + 1);
    }
    const usage = parseLimitInfo(headers['sforce-limit-info']);
    if (usage) this.quota.observe(usage);
  }

  /** A call whose JSON answer is parsed; an answer cut off in transit is fetched again by the policy. */
  async sendJson<T>(target: string, options: SendOptions): Promise<T> {
    return this.authorized(target, options, (spec) => this.policy.call(spec, (answer) => this.json<T>(answer, spec.url.pathname)));
  }

  async getJson<T>(target: string, context: CallContext, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    return this.sendJson<T>(target, { context, headers, signal });
  }

  /** A call whose answer carries nothing we need beyond its status (a DELETE). */
  async send(target: string, options: SendOptions): Promise<void> {
    await this.authorized(target, options, (spec) =>
      this.policy.call(spec, (answer) => {
        if (answer.status >= 300) throw this.apiError(answer, spec.url.pathname);
      }),
    );
  }

  /**
   * One attempt at a streamed GET (Bulk results): resolves once the headers are in, the body still
   * arriving under the policy's bounds. The caller repeats it through `retries()` when it breaks.
   */
  async openStream(target: string, options: SendOptions): Promise<{ headers: IncomingHttpHeaders; body: GuardedBody }> {
    return this.authorized(target, options, (spec) =>
      this.policy.open(spec, (answer) => {
        throw this.apiError(answer, spec.url.pathname);
      }),
    );
  }

  /** The retry loop of the request policy, for a caller that repeats a multi-step attempt itself. */
  retries(context: CallContext, signal?: AbortSignal) {
    return this.policy.retries(context, signal);
  }

  async describe(object: string): Promise<DescribeResult> {
    const context = { object, action: `describe ${object}` };
    const described = await this.getJson<DescribeResult>(`${DATA_PATH}/sobjects/${object}/describe`, context);
    if (!Array.isArray(described?.fields)) throw new MalformedAnswerError(`the describe of ${object}`, 'fields list').in(context);
    return described;
  }

  /** The ids of `object` deleted from `start` to `end` (Get Deleted; Salesforce ignores the seconds of both). */
  async getDeleted(object: string, start: string, end: string): Promise<DeletedPage> {
    const context = { object, action: `list the deleted records of ${object}` };
    const query = `start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`;
    const answer = await this.getJson<DeletedPage>(`${DATA_PATH}/sobjects/${object}/deleted/?${query}`, context);
    if (!Array.isArray(answer?.deletedRecords)) throw new MalformedAnswerError(`the deleted records of ${object}`, 'deletedRecords list').in(context);
    return answer;
  }

  /**
   * Pages of one SOQL query, following nextRecordsUrl. The next page is requested while the caller
   * is still writing the current one, so the network and our output overlap. A next URL seen before,
   * `done: false` without one, a page that brings nothing, or more records than `totalSize` each end
   * the query with a PagingError: each would otherwise loop forever or end a stream short. A caller
   * that stops early abandons the page requested ahead (no call, retry or log line outlives it).
   *
   * Every page holds its bytes in the read's shared budget from before it is requested until the
   * caller asks for the next one (by then it is written), so a prefetch waits while other streams'
   * pages fill the budget. Pages are sized to a share of the budget: after each page, the next asks
   * for as many records as fit in `pageBytes` at the width seen so far (200 to `batchSize`).
   */
  async *query(soql: string, options: QueryOptions): AsyncGenerator<QueryPage> {
    const context = { object: options.object, action: `query ${options.object}` };
    const endpoint = options.includeDeleted ? 'queryAll' : 'query';
    const maxBatch = options.batchSize ?? DEFAULTS.pageRecords;
    const pageBytes = options.sharing && options.sharing > 1 ? Math.max(MIN_PAGE_BYTES, Math.floor(this.budget.limit / (options.sharing + 1))) : this.pageBytes;
    const abandon = new AbortController();
    const stop = () => abandon.abort(options.signal?.reason);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    const seen = new Set<string>();
    let delivered = 0;
    let total: number | undefined;
    let bytesPerRecord: number | undefined;
    let batch = options.wide ? Math.min(MIN_BATCH, maxBatch) : maxBatch;
    const fetchPage = async (target: string, size: number): Promise<SizedPage> => {
      const lease = await this.budget.acquire(bytesPerRecord ? size * bytesPerRecord : pageBytes, abandon.signal);
      try {
        const headers = { 'sforce-query-options': `batchSize=${size}` };
        const { value, bytes } = await this.authorized(target, { context, headers, signal: abandon.signal }, (spec) =>
          this.policy.call(spec, (answer) => ({ value: this.queryPage(answer, spec.url.pathname, options.decode), bytes: answer.bytes.length })),
        );
        lease.resize(bytes);
        return { page: value, bytes, lease };
      } catch (error) {
        lease.release();
        throw error;
      }
    };
    let pending = fetchPage(`${DATA_PATH}/${endpoint}?q=${encodeURIComponent(soql)}`, batch);
    let current: SizedPage | undefined;
    try {
      for (;;) {
        current = await pending;
        const { page, bytes } = current;
        if (!Array.isArray(page?.records)) throw new MalformedAnswerError('a query page', 'records list').in(context);
        total ??= typeof page.totalSize === 'number' ? page.totalSize : undefined;
        delivered += page.records.length;
        if (total !== undefined && delivered > total) {
          throw new PagingError(`more records (${delivered}) than the query's totalSize (${total})`).in(context);
        }
        let next: string | undefined;
        if (page.done !== true) {
          if (typeof page.nextRecordsUrl !== 'string' || !page.nextRecordsUrl)
            throw new PagingError('a page marked not done without a next page URL').in(context);
          if (page.records.length === 0) throw new PagingError('a page with no records that is not the last').in(context);
          next = page.nextRecordsUrl;
          const key = this.resolve(next, 'next page URL', context, this.tokens.apiOrigin).href;
          if (seen.has(key)) throw new PagingError('a next page URL that was already read (a loop)').in(context);
          seen.add(key);
          bytesPerRecord = Math.ceil(bytes / page.records.length);
          batch = fitBatch(maxBatch, pageBytes, bytesPerRecord);
          pending = fetchPage(next, batch);
          pending.catch(() => undefined); // observed when awaited; avoids an unhandled rejection if the caller stops early
          // Node sends a request on a later turn of the event loop: without this the prefetch would
          // leave only after the caller's synchronous work on this page, overlapping nothing.
          await new Promise((resolve) => setImmediate(resolve));
        }
        yield page;
        current.lease.release();
        current = undefined;
        if (!next) return;
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      current?.lease.release();
      abandon.abort();
      // A page requested ahead that arrives after all hands its bytes straight back.
      pending.then(
        (late) => late.lease.release(),
        () => undefined,
      );
    }
  }

  /**
   * Bytes one page may take: a third of the budget, so one stream can hold a page and the next one
   * ahead, and many streams share three pages between them whatever their number.
   */
  get pageBytes(): number {
    return Math.max(MIN_PAGE_BYTES, Math.floor(this.budget.limit / 3));
  }

  private resolve(target: string, what: string, context: CallContext, origin: string): URL {
    try {
      return dataApiUrl(origin, target, what);
    } catch (error) {
      throw error instanceof SalesforceFailure ? error.in(context) : error;
    }
  }

  /** Builds the call for the current token and runs it under the session rules. */
  private authorized<T>(target: string, options: SendOptions, run: (spec: Parameters<RequestPolicy['call']>[0]) => Promise<T>): Promise<T> {
    return this.withSession(options.context, (token) =>
      run({
        method: options.method ?? 'GET',
        url: this.resolve(target, 'URL', options.context, token.instanceUrl),
        headers: { ...options.headers, authorization: `Bearer ${token.accessToken}` },
        json: options.json,
        context: options.context,
        signal: options.signal,
      }),
    );
  }

  /**
   * Runs one call with the current token. A session that expired is renewed (once for all
   * concurrent callers) and the call repeated; two fresh tokens in a row that Salesforce never
   * accepted mean the user's sessions are refused. (One is not proof: under concurrency a renewed
   * token can expire again before its first success lands.)
   */
  private async withSession<T>(context: CallContext, call: (token: AccessToken) => Promise<T>): Promise<T> {
    this.quota.assertWithinBudget();
    let token = await this.tokens.current();
    for (let renewals = 0; ;) {
      try {
        const result = await call(token);
        token.accepted = true;
        return result;
      } catch (error) {
        if (!(error instanceof SalesforceApiError)) throw error;
        if (error.status === 401 && renewals < MAX_RENEWALS_PER_CALL && (renewals < 2 || token.accepted)) {
          renewals++;
          token = await this.tokens.renew(token);
          continue;
        }
        if (error.errorCode === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(error.sfMessage)) throw this.quota.trip(true, error);
        throw error.in(context);
      }
    }
  }

  private queryPage(answer: Answer, path: string, decode: PageDecoder | undefined): QueryPage {
    if (!decode || answer.status >= 300) return this.json<QueryPage>(answer, path);
    try {
      return decode(answer.bytes);
    } catch (error) {
      throw new UnreadableAnswerError(path, answer.bytes.length, (error as Error).message);
    }
  }

  private json<T>(answer: Answer, path: string): T {
    if (answer.status >= 300) throw this.apiError(answer, path);
    try {
      return JSON.parse(answer.text) as T;
    } catch (error) {
      throw new UnreadableAnswerError(path, answer.bytes.length, (error as Error).message);
    }
  }

  /** Secrets are masked before the body is cut to size, so no part of one survives the cut. */
  private apiError(answer: Answer, path: string): SalesforceApiError {
    return parseErrorBody(answer.status, this.redactor.redact(answer.text), path, parseRetryAfter(answer.headers['retry-after'], answerDate(answer.headers)));
  }
}
