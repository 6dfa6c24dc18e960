/**
 * The Salesforce REST client: authenticated GETs against the org's instance, with a token re-minted
 * once after a 401 (shared by concurrent requests), API usage tracked from Sforce-Limit-Info, and
 * Salesforce's error bodies turned into SalesforceApiError. It knows nothing about streams.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { HTTPError, type Got, type Response } from 'got';
import type { ResolvedConfig } from '../config/load-config.js';
import type { Redactor } from '../protocol/redactor.js';
import { TransientError, isConnectorError } from '../errors.js';
import { DATA_PATH } from './api-version.js';
import { SalesforceApiError, classifyApiError, parseErrorBody, type ErrorContext } from './api-errors.js';
import { createHttp } from './http.js';
import type { Settings } from '../settings.js';
import { parseLimitInfo, type ApiUsage } from './limit-info.js';
import { requestOrClassify } from './request.js';
import { TokenProvider, type AccessToken } from './token-provider.js';
import { QuotaGuard, QuotaReachedError } from './quota.js';
import type { DescribeResult, QueryPage } from './types.js';

// Under heavy concurrency a renewed session can expire again before every waiting call has used it.
const MAX_RENEWALS_PER_CALL = 4;
const STREAM_RETRIES = 3;

export interface SendOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  json?: unknown;
  headers?: Record<string, string>;
  context: ErrorContext;
  /** Safe to repeat after an outage (got retries only GETs unless told). */
  repeatable?: boolean;
}

export interface SalesforceResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export class SalesforceClient {
  /** Metered REST calls this run made, every attempt counted as Salesforce counts them. */
  apiCalls = 0;
  readonly callsByObject = new Map<string, number>();
  readonly quota: QuotaGuard;
  readonly tokens: TokenProvider;
  private readonly http: Got;
  private readonly host: string;
  private readonly retryDelayMs: number;

  constructor(
    config: ResolvedConfig,
    redactor: Redactor,
    readonly settings: Settings,
  ) {
    this.retryDelayMs = Math.min(settings.maxRetryDelayMs, 1000);
    const base = createHttp(settings);
    this.quota = new QuotaGuard(config.apiBudgetPercent);
    this.http = base.extend({
      hooks: {
        afterResponse: [
          (response) => {
            if (response.url.includes('/services/data/v')) {
              this.apiCalls++;
              const object = (response.request.options.context as { object?: string }).object;
              if (object) this.callsByObject.set(object, (this.callsByObject.get(object) ?? 0) + 1);
            }
            const usage = parseLimitInfo(response.headers['sforce-limit-info']);
            if (usage) this.quota.observe(usage);
            return response;
          },
        ],
      },
    });
    this.host = config.org.host;
    this.tokens = new TokenProvider(base, config, redactor, settings.tokenMaxAgeMs, this.retryDelayMs);
  }

  get orgUsage(): ApiUsage | undefined {
    return this.quota.lastUsage;
  }

  /**
   * One authenticated call under the instance. A 401 re-mints the token once (shared with every
   * concurrent caller) and repeats the call; Salesforce errors become ConnectorErrors.
   */
  async send(path: string, options: SendOptions): Promise<SalesforceResponse> {
    return this.withSession(options.context, (token) => this.sendOnce(token, path, options));
  }

  /**
   * A streamed GET (Bulk results): resolves once the headers are in, with the body still flowing.
   * Outages before the body starts are retried here; got's own retry does not cover streams.
   */
  async openStream(path: string, options: SendOptions): Promise<{ headers: IncomingHttpHeaders; body: Readable }> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withSession(options.context, (token) => this.streamOnce(token, path, options));
      } catch (error) {
        const retriable = isConnectorError(error) && error.failureType === 'transient_error' && !(error instanceof QuotaReachedError);
        if (!retriable || attempt >= STREAM_RETRIES) throw error;
        await sleep(this.retryDelayMs * 2 ** attempt);
      }
    }
  }

  /**
   * Runs one call with the current token. A session that expired is renewed (once for all
   * concurrent callers) and the call repeated; two fresh tokens in a row that Salesforce never
   * accepted mean the user's sessions are refused, a config error. (One is not proof: under
   * concurrency a renewed token can expire again before its first success lands.)
   */
  private async withSession<T>(context: ErrorContext, call: (token: AccessToken) => Promise<T>): Promise<T> {
    this.quota.assertWithinBudget();
    let token = await this.tokens.current();
    for (let renewals = 0; ; ) {
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
        throw classifyApiError(error, context);
      }
    }
  }

  /** GET a path under the instance (e.g. a nextRecordsUrl) and parse its JSON body. */
  async getJson<T>(path: string, context: ErrorContext, headers: Record<string, string> = {}): Promise<T> {
    return this.sendJson<T>(path, { context, headers });
  }

  /**
   * One call whose JSON answer is parsed. A body cut off in transit arrives as a 200 that does not
   * parse; the call is sent again, so only GETs and calls marked repeatable may come here.
   */
  async sendJson<T>(path: string, options: SendOptions): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(path, options);
      try {
        return parseJson<T>(response.body, path);
      } catch (error) {
        if (attempt >= STREAM_RETRIES) throw error;
        await sleep(this.retryDelayMs * 2 ** attempt);
      }
    }
  }

  async describe(object: string): Promise<DescribeResult> {
    return this.getJson<DescribeResult>(`${DATA_PATH}/sobjects/${object}/describe`, { object, action: `describe ${object}` });
  }

  /**
   * Pages of one SOQL query, following nextRecordsUrl. The next page is requested while the caller
   * is still writing the current one, so the network and our output overlap.
   */
  async *query(soql: string, options: { object: string; includeDeleted: boolean; batchSize?: number }): AsyncGenerator<QueryPage> {
    const context = { object: options.object, action: `query ${options.object}` };
    const headers = { 'sforce-query-options': `batchSize=${options.batchSize ?? 2000}` };
    const endpoint = options.includeDeleted ? 'queryAll' : 'query';
    let pending = this.getJson<QueryPage>(`${DATA_PATH}/${endpoint}?q=${encodeURIComponent(soql)}`, context, headers);
    for (;;) {
      const page = await pending;
      const next = page.done ? undefined : page.nextRecordsUrl;
      if (next) {
        pending = this.getJson<QueryPage>(next, context, headers);
        pending.catch(() => undefined); // observed when awaited; avoids an unhandled rejection if the caller stops early
        // Node sends a request on a later turn of the event loop: without this the prefetch would
        // leave only after the caller's synchronous work on this page, overlapping nothing.
        await new Promise((resolve) => setImmediate(resolve));
      }
      yield page;
      if (!next) return;
    }
  }

  private async sendOnce(token: AccessToken, path: string, options: SendOptions): Promise<SalesforceResponse> {
    try {
      const response = await requestOrClassify(this.host, () =>
        this.http(absoluteUrl(token.instanceUrl, path), {
          method: options.method ?? 'GET',
          json: options.json,
          headers: { ...options.headers, authorization: `Bearer ${token.accessToken}` },
          context: { object: options.context.object },
          ...(options.repeatable ? { retry: { methods: [options.method ?? 'GET'] } } : {}),
        }),
      );
      return { statusCode: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      if (error instanceof HTTPError) {
        throw parseErrorBody(error.response.statusCode, String(error.response.body ?? ''), path.split('?')[0]);
      }
      throw error;
    }
  }

  private async streamOnce(token: AccessToken, path: string, options: SendOptions): Promise<{ headers: IncomingHttpHeaders; body: Readable }> {
    const stream = this.http.stream(absoluteUrl(token.instanceUrl, path), {
      headers: { ...options.headers, authorization: `Bearer ${token.accessToken}` },
      context: { object: options.context.object },
      throwHttpErrors: false,
      retry: { limit: 0 },
    });
    const response = await requestOrClassify(this.host, async () => {
      const [res] = (await once(stream, 'response')) as [Response<string>];
      return res;
    });
    if (response.statusCode < 300) return { headers: response.headers, body: stream };
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    const error = parseErrorBody(response.statusCode, Buffer.concat(chunks).toString('utf8'), path.split('?')[0]);
    if (response.statusCode >= 500) throw classifyApiError(error, options.context);
    throw error;
  }
}

/** Salesforce's nextRecordsUrl is a path; accept a full URL on the same host too. */
function absoluteUrl(instanceUrl: string, path: string): string {
  if (!/^https?:\/\//i.test(path)) return `${instanceUrl}${path}`;
  const url = new URL(path);
  return `${instanceUrl}${url.pathname}${url.search}`;
}

/** A 200 whose body does not parse is a truncated or mangled answer: worth another run. */
export function parseJson<T>(body: string, path: string): T {
  try {
    return JSON.parse(body) as T;
  } catch (error) {
    throw new TransientError(`Salesforce sent an unreadable answer for ${path.split('?')[0]}; the next run will try again.`, {
      internalMessage: `${(error as Error).message}; ${body.length} bytes`,
    });
  }
}
