/**
 * The Salesforce REST client: authenticated GETs against the org's instance, with a token re-minted
 * once after a 401 (shared by concurrent requests), API usage tracked from Sforce-Limit-Info, and
 * Salesforce's error bodies turned into SalesforceApiError. It knows nothing about streams.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HTTPError, type Got } from 'got';
import type { ResolvedConfig } from '../config/load-config.js';
import type { Redactor } from '../protocol/redactor.js';
import { TransientError } from '../errors.js';
import { DATA_PATH } from './api-version.js';
import { SalesforceApiError, classifyApiError, parseErrorBody, type ErrorContext } from './api-errors.js';
import { createHttp } from './http.js';
import { parseLimitInfo, type ApiUsage } from './limit-info.js';
import { requestOrClassify } from './request.js';
import { TokenProvider, type AccessToken } from './token-provider.js';
import { QuotaGuard } from './quota.js';
import type { DescribeResult, QueryPage } from './types.js';

// Under heavy concurrency a renewed session can expire again before every waiting call has used it.
const MAX_RENEWALS_PER_CALL = 4;

export interface ClientOptions {
  maxRetryDelayMs?: number;
  /** Stop calling once the org's daily usage crosses this percentage. */
  apiBudgetPercent?: number;
}

export interface SendOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  json?: unknown;
  headers?: Record<string, string>;
  context: ErrorContext;
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

  constructor(config: ResolvedConfig, redactor: Redactor, options: ClientOptions = {}) {
    const envDelay = Number(process.env.SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS);
    const base = createHttp({ maxRetryDelayMs: options.maxRetryDelayMs ?? (envDelay > 0 ? envDelay : undefined) });
    this.quota = new QuotaGuard(options.apiBudgetPercent);
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
    this.tokens = new TokenProvider(base, config, redactor);
  }

  get orgUsage(): ApiUsage | undefined {
    return this.quota.lastUsage;
  }

  /**
   * One authenticated call under the instance. A 401 re-mints the token once (shared with every
   * concurrent caller) and repeats the call; Salesforce errors become ConnectorErrors.
   */
  async send(path: string, options: SendOptions): Promise<SalesforceResponse> {
    this.quota.assertWithinBudget();
    let token = await this.tokens.current();
    for (let renewals = 0; ; ) {
      try {
        const response = await this.sendOnce(token, path, options);
        token.accepted = true;
        return response;
      } catch (error) {
        if (!(error instanceof SalesforceApiError)) throw error;
        // A session that expired is renewed (once for all concurrent callers). Two fresh tokens in a
        // row that Salesforce never accepted mean the user's sessions are refused: a config error.
        // (One is not proof: under concurrency a renewed token can expire before its first success lands.)
        if (error.status === 401 && renewals < MAX_RENEWALS_PER_CALL && (renewals < 2 || token.accepted)) {
          renewals++;
          token = await this.tokens.renew(token);
          continue;
        }
        if (error.errorCode === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(error.sfMessage)) throw this.quota.trip(true, error);
        throw classifyApiError(error, options.context);
      }
    }
  }

  /** GET a path under the instance (e.g. a nextRecordsUrl) and parse its JSON body. */
  async getJson<T>(path: string, context: ErrorContext, headers: Record<string, string> = {}): Promise<T> {
    return parseJson<T>((await this.send(path, { context, headers })).body, path);
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
      }
      yield page;
      if (!next) return;
    }
  }

  private async sendOnce(token: AccessToken, path: string, options: SendOptions): Promise<SalesforceResponse> {
    const url = `${token.instanceUrl}${path}`;
    try {
      const response = await requestOrClassify(this.host, () =>
        this.http(url, {
          method: options.method ?? 'GET',
          json: options.json,
          headers: { ...options.headers, authorization: `Bearer ${token.accessToken}` },
          context: { object: options.context.object },
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
