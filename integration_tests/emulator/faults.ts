/**
 * Seeded fault injection: latency on every answer, and transient faults on a fraction of metered
 * data requests, each shaped the way Salesforce or the network in front of it fails. A faulted
 * request never reaches the org: it is not metered, uses no session and moves no locator, so a
 * client that retries gets exactly the answer it would have got.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { answerBytes, type Answer } from './answer.js';
import { JSON_TYPE, wantsGzip } from './http-util.js';
import { Rng } from './rng.js';
import type { TcpSockets } from './tcp-sockets.js';

export const FAULT_KINDS = ['server_unavailable', 'unknown_exception', 'bad_gateway', 'reset', 'truncated', 'cut_mid_stream', 'rate_limited'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
  /** Added to every response, token endpoint included (the benchmark uses 100 ms). */
  latencyMs?: number;
  /**
   * Fraction 0..1 of metered data requests (REST GETs incl. query pages and describe, Bulk
   * create/poll/results) answered with a transient fault instead.
   */
  errorRate?: number;
  /** Which faults errorRate draws from; default all of them. */
  kinds?: FaultKind[];
  /**
   * Each fault takes the next of `kinds` in turn instead of a random one (the seed still decides
   * which requests fault), so a run that meets as many faults as there are kinds meets every kind.
   */
  kindsInTurn?: boolean;
  /** Seconds sent as Retry-After on server_unavailable and rate_limited answers (none when absent). */
  retryAfterSeconds?: number;
  /**
   * At most this many faults in a row for one request (same method, URL and body): the next try is
   * answered. Transient faults pass; without a bound, a seed's dense stretch met by one call's
   * quick retries can outlast any client's retry budget, and which call meets it depends on how
   * concurrent streams interleave. Unbounded when absent.
   */
  maxFaultsInARow?: number;
  /** Seed for the fault draws, so a run is reproducible (default 1). */
  seed?: number;
  /** Every token dies after this many authenticated requests (like tokenTtlRequests, but changeable at run time). */
  sessionExpiresEvery?: number;
  /**
   * A REST query whose SystemModstamp window (WHERE SystemModstamp >= a AND < b; open ends count as
   * from the oldest record / to now) is wider than this many ms fails with 400 QUERY_TIMEOUT.
   * COUNT() and LIMIT queries are exempt: they stop early, so Salesforce answers them in time.
   */
  queryTimeoutWindowMs?: number;
}

/** Counters reported as `faultsInjected`: the seven kinds plus the two org-side faults. */
export type FaultCounts = Record<FaultKind | 'session_expired' | 'query_timeout', number>;

const gzipAsync = promisify(gzip);
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
const BODIES: Record<'server_unavailable' | 'unknown_exception', { status: number; body: string }> = {
  server_unavailable: { status: 503, body: JSON.stringify([{ message: 'Server Unavailable', errorCode: 'SERVER_UNAVAILABLE' }]) },
  unknown_exception: {
    status: 500,
    body: JSON.stringify([
      {
        message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678 (-123)',
        errorCode: 'UNKNOWN_EXCEPTION',
      },
    ]),
  },
};

export class FaultInjector {
  private options: FaultOptions = {};
  private rng = new Rng(1);
  private kinds: readonly FaultKind[] = FAULT_KINDS;
  private turn = 0;
  /** Faults in a row per request identity, for maxFaultsInARow. */
  private readonly streaks = new Map<string, number>();
  readonly counts: FaultCounts = emptyCounts();

  constructor(options: FaultOptions | undefined) {
    this.configure(options);
  }

  /** Replaces the whole configuration and restarts the draws from the seed; counts keep adding up. */
  configure(options: FaultOptions | undefined): void {
    const o = options ?? {};
    if (o.errorRate !== undefined && !(o.errorRate >= 0 && o.errorRate <= 1)) throw new Error(`errorRate must be in 0..1, got ${o.errorRate}`);
    if (o.kinds !== undefined) {
      const unknown = o.kinds.filter((k) => !FAULT_KINDS.includes(k));
      if (unknown.length || o.kinds.length === 0) throw new Error(`kinds must be a non-empty subset of ${FAULT_KINDS.join(', ')}`);
    }
    this.options = { ...o };
    this.kinds = o.kinds ? [...o.kinds] : FAULT_KINDS;
    this.rng = new Rng(o.seed ?? 1);
    this.turn = 0;
    this.streaks.clear();
  }

  get sessionExpiresEvery(): number | undefined {
    return this.options.sessionExpiresEvery;
  }

  get queryTimeoutWindowMs(): number | undefined {
    return this.options.queryTimeoutWindowMs;
  }

  /** Waits the configured latency; the timer is unref'd so a pending answer never keeps a process alive. */
  delay(): Promise<void> {
    const ms = this.options.latencyMs ?? 0;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();
  }

  /**
   * The fault for one eligible request, or null. Always one draw per request (two when it faults),
   * so the same seed and the same request sequence give the same faults; `request` names the
   * request for maxFaultsInARow.
   */
  draw(request = ''): FaultKind | null {
    const rate = this.options.errorRate ?? 0;
    if (rate <= 0) return null;
    const faults = this.rng.next() < rate;
    const pick = faults ? this.rng.next() : 0;
    const streak = this.streaks.get(request) ?? 0;
    if (!faults || streak >= (this.options.maxFaultsInARow ?? Infinity)) {
      this.streaks.delete(request);
      return null;
    }
    this.streaks.set(request, streak + 1);
    if (this.options.kindsInTurn) return this.kinds[this.turn++ % this.kinds.length];
    return this.kinds[Math.floor(pick * this.kinds.length)];
  }

  /** Answers with a fault that needs no real response (every kind but the two that cut a real answer). */
  sendSimple(kind: Exclude<FaultKind, 'truncated' | 'cut_mid_stream'>, res: ServerResponse, tcp: TcpSockets): void {
    this.counts[kind]++;
    const retryAfter = this.options.retryAfterSeconds;
    const retry: Record<string, string> = retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) };
    if (kind === 'reset') return tcp.reset(res.socket);
    if (kind === 'rate_limited') {
      // Salesforce's edge answers 429 with no body; this is not the daily REQUEST_LIMIT_EXCEEDED.
      res.writeHead(429, { 'Content-Length': '0', ...retry });
      res.end();
      return;
    }
    if (kind === 'bad_gateway') {
      res.writeHead(502, { 'Content-Type': 'text/html', 'Content-Length': String(Buffer.byteLength(BAD_GATEWAY_HTML)) });
      res.end(BAD_GATEWAY_HTML);
      return;
    }
    const { status, body } = BODIES[kind];
    const extra = kind === 'server_unavailable' ? retry : {};
    res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
  }

  /**
   * The org's 200 `answer` with the real headers but half the body. JSON: a complete HTTP message
   * whose body is cut mid-JSON (an unparsable body). CSV: chunked like a good result page (see
   * bulk-csv.ts), half is sent, then the connection drops (a download cut mid-stream).
   */
  async sendTruncated(req: IncomingMessage, res: ServerResponse, answer: Answer): Promise<void> {
    this.counts.truncated++;
    const { headers, bytes: full } = answerBytes(answer);
    const out: Record<string, string> = { ...headers };
    const csv = /^text\/csv/i.test(out['Content-Type']);
    const gz = wantsGzip(req);
    if (gz) {
      out['Content-Encoding'] = 'gzip';
      out.Vary = 'Accept-Encoding';
    }
    if (csv) {
      const payload = gz ? await gzipAsync(full, { level: 1 }) : full;
      res.writeHead(200, out);
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
      return;
    }
    // Any strict prefix of a JSON object or array fails to parse; keep at least one byte.
    const cut = full.subarray(0, Math.max(1, Math.min(full.length - 1, Math.floor(full.length / 2))));
    const payload = gz ? await gzipAsync(cut, { level: 1 }) : cut;
    out['Content-Length'] = String(payload.length);
    res.writeHead(200, out);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }
}

export function emptyCounts(): FaultCounts {
  return {
    server_unavailable: 0,
    unknown_exception: 0,
    bad_gateway: 0,
    reset: 0,
    truncated: 0,
    cut_mid_stream: 0,
    rate_limited: 0,
    session_expired: 0,
    query_timeout: 0,
  };
}
