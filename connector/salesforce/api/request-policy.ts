/**
 * The one place every HTTP call to Salesforce goes through (token, describe, query pages, Bulk
 * create, poll, results and delete). It decides what is repeated and after how long
 * (retry-rules.ts), bounds every answer (guarded-body.ts), never follows a redirect, and reports
 * each retry. got is used for one attempt at a time: its own retry is off, so no second policy hides
 * underneath this one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import got, { type Got, type Request, type Response } from 'got';
import type { Settings } from '../settings.js';
import { RedirectError, SalesforceFailure, TransportError, type CallContext } from './failures.js';
import { GuardedBody, readBytes } from './guarded-body.js';
import { BufferPool } from './buffer-pool.js';
import { failureSummary, isRateLimit, isRetriable, retryDelayMs } from './retry-rules.js';

export interface CallSpec {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  context: CallContext;
  /** abandons the call (a prefetch nobody will read): the request is cut and no retry follows */
  signal?: AbortSignal;
}

/** An answer with its body read whole (any status but a redirect). */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
  /** the body as UTF-8 text (decoded on each read) */
  readonly text: string;
}

function answer(status: number, headers: IncomingHttpHeaders, bytes: Buffer): Answer {
  return {
    status,
    headers,
    bytes,
    get text() {
      return bytes.toString('utf8');
    },
  };
}

/** A 2xx answer whose body is still arriving. */
export interface StreamedAnswer {
  headers: IncomingHttpHeaders;
  body: GuardedBody;
}

export interface RetryEvent {
  context: CallContext;
  /** the attempt that failed, from 1 */
  attempt: number;
  attempts: number;
  delayMs: number;
  reason: string;
  /**
   * Set when the server is holding us back (retry-rules.ts isRateLimit); `until` is when it said
   * its limit lets us go on (epoch ms), known only from a Retry-After.
   */
  rateLimit?: { until?: number };
}

/** What the policy reports around waits: a call read whole, or a retry before and after its pause. */
export interface WaitHooks {
  /** a failed attempt, before the pause that precedes the next one */
  onRetry?: (event: RetryEvent) => void;
  /** that pause is over: the next attempt goes out now */
  onResume?: (event: RetryEvent) => void;
}

export interface PolicyHooks extends WaitHooks {
  /** every answer's headers, before its body is read (metering and the org's API usage) */
  onAnswer?: (url: URL, headers: IncomingHttpHeaders, context: CallContext) => void;
}

/** Counts one call's failed attempts and waits before the next, or gives up. */
export class RetryLoop {
  private failures = 0;

  constructor(
    private readonly settings: Settings,
    private readonly context: CallContext,
    private readonly hooks: PolicyHooks,
    private readonly signal?: AbortSignal,
  ) {}

  /** Rethrows `error` when it is final; otherwise reports the retry and waits for its turn. */
  async failed(error: unknown): Promise<void> {
    if (this.signal?.aborted) throw this.signal.reason;
    if (!(error instanceof SalesforceFailure)) throw error;
    error.in(this.context);
    this.failures++;
    if (!isRetriable(error) || this.failures >= this.settings.attempts) throw error;
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    const delayMs = retryDelayMs(this.failures, this.settings, retryAfterMs);
    if (delayMs === undefined) throw error;
    const event: RetryEvent = { context: this.context, attempt: this.failures, attempts: this.settings.attempts, delayMs, reason: failureSummary(error) };
    if (isRateLimit(error)) event.rateLimit = retryAfterMs === undefined ? {} : { until: Date.now() + retryAfterMs };
    this.hooks.onRetry?.(event);
    await sleep(delayMs, undefined, { signal: this.signal });
    this.hooks.onResume?.(event);
  }
}

export class RequestPolicy {
  private readonly http: Got;
  /** Hosts that have answered at least once: a refused connection there later is weather, not a wrong hostname. */
  private readonly answered = new Set<string>();

  constructor(
    private readonly settings: Settings,
    private readonly hooks: PolicyHooks = {},
    /** where answers read whole are gathered (given back once interpreted) */
    private readonly buffers = new BufferPool(),
  ) {
    this.http = got.extend({
      decompress: true,
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { connect: settings.connectTimeoutMs, secureConnect: settings.connectTimeoutMs, response: settings.headersTimeoutMs },
      headers: { 'user-agent': 'source-salesforce (Airbyte connector)' },
      ...(settings.extraCa ? { https: { certificateAuthority: settings.extraCa } } : {}),
    });
  }

  retries(context: CallContext, signal?: AbortSignal): RetryLoop {
    return new RetryLoop(this.settings, context, this.hooks, signal);
  }

  /**
   * One call, repeated under the retry rules. `interpret` turns an answer into the value, or throws
   * a typed failure (an error status, a body that does not parse) that the rules then judge.
   */
  async call<T>(spec: CallSpec, interpret: (answer: Answer) => T): Promise<T> {
    const loop = this.retries(spec.context, spec.signal);
    for (;;) {
      try {
        const { headers, status, body } = await this.send(spec);
        const bytes = await readBytes(body, this.buffers);
        try {
          return interpret(answer(status, headers, bytes));
        } finally {
          this.buffers.give(bytes);
        }
      } catch (error) {
        await loop.failed(error);
      }
    }
  }

  /**
   * One attempt whose 2xx body is handed over still streaming; the caller reads it (and repeats
   * the whole attempt through `retries()` if it breaks). Other statuses go through `interpret`,
   * which must throw.
   */
  async open(spec: CallSpec, interpret: (answer: Answer) => never): Promise<StreamedAnswer> {
    // A streamed page (a Bulk result of up to a gigabyte) is never held whole: no cap on its size.
    const { headers, status, body } = await this.send(spec, Infinity);
    if (status >= 300) interpret(answer(status, headers, await readBytes(body, this.buffers)));
    return { headers, body };
  }

  private async send(spec: CallSpec, maxBytes = this.settings.maxAnswerBytes): Promise<{ status: number; headers: IncomingHttpHeaders; body: GuardedBody }> {
    const started = Date.now();
    const host = spec.url.host;
    const path = spec.url.pathname;
    const request = this.http.stream(spec.url, {
      method: spec.method ?? 'GET',
      headers: spec.headers,
      ...(spec.form ? { form: spec.form } : {}),
      ...(spec.json !== undefined ? { json: spec.json } : {}),
      ...(spec.signal ? { signal: spec.signal } : {}),
    });
    // A got stream with a method that may carry a body waits for one to be written; this call has none.
    if (!spec.form && spec.json === undefined && spec.method && spec.method !== 'GET') request.end();
    const { response, body } = await new Promise<{ response: Response; body: GuardedBody }>((resolve, reject) => {
      const early = (error: Error & { code?: string; event?: string }) => {
        const phase = error.event === 'response' || error.code === 'ECONNRESET' ? 'headers' : 'connect';
        reject(new TransportError(error.code ?? 'ERR_REQUEST', phase, host, error.message, error, this.answered.has(host)));
      };
      request.once('error', early);
      request.once('response', (res: Response) => {
        request.off('error', early);
        this.answered.add(host);
        // Guarded at once, in this same turn, so no error the body raises goes unheard.
        const limits = {
          maxBytes: res.statusCode < 300 ? maxBytes : this.settings.maxAnswerBytes,
          idleMs: this.settings.idleTimeoutMs,
          deadlineMs: this.settings.deadlineMs,
          slowWindowMs: this.settings.slowBodyWindowMs,
          slowMinBytes: this.settings.slowBodyMinBytes,
          waitedMs: Date.now() - started,
          host,
          path,
        };
        resolve({ response: res, body: new GuardedBody(request as Request, limits) });
      });
    });
    const status = response.statusCode;
    if (status >= 300 && status < 400) {
      body.destroy();
      throw new RedirectError(status, path, host, locationOrigin(response.headers.location, spec.url));
    }
    this.hooks.onAnswer?.(spec.url, response.headers, spec.context);
    return { status, headers: response.headers, body };
  }
}

/** Where a redirect pointed, as an origin only: its path and query could carry anything. */
function locationOrigin(location: string | undefined, base: URL): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}
