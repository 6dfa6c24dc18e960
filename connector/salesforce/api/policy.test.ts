import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { nativeImport } from '../../../integration_tests/helpers/native.js';
import type { RetryEvent } from './request-policy.js';

// Loaded natively (see native.ts): the policy pulls in got and its dependencies, which Jest would
// otherwise evaluate again in this file's context; the connector's end-to-end runs load the same copy.
const native = <Module>(path: string) => nativeImport<Module>(new URL(path, import.meta.url));
const { resolveSettings } = native<typeof import('../settings.js')>('../settings.js');
const { dataApiUrl, isSalesforceId } = native<typeof import('./api-url.js')>('./api-url.js');
const {
  AnswerTooLargeError,
  OAuthError,
  RedirectError,
  ResultPageChangedError,
  SalesforceApiError,
  SalesforceFailure,
  StallError,
  TransportError,
  UnreadableAnswerError,
  UnsafeUrlError,
} = native<typeof import('./failures.js')>('./failures.js');
const { RequestPolicy } = native<typeof import('./request-policy.js')>('./request-policy.js');
const { isRateLimit, isRetriable, parseRetryAfter, retryDelayMs } = native<typeof import('./retry-rules.js')>('./retry-rules.js');

const ORIGIN = 'https://acme.my.salesforce.com';

describe('dataApiUrl', () => {
  it('resolves paths and same-origin URLs under the data API', () => {
    expect(dataApiUrl(ORIGIN, '/services/data/v62.0/query/01gx-2000').href).toBe(`${ORIGIN}/services/data/v62.0/query/01gx-2000`);
    expect(dataApiUrl(ORIGIN, `${ORIGIN}/services/data/v62.0/query/x`).pathname).toBe('/services/data/v62.0/query/x');
  });

  it.each([
    ['0/services/data/v62.0/query/x', '/0/services/data/v62.0/query/x', undefined],
    ['@evil.example/services/data/v62.0/query/x', '/@evil.example/services/data/v62.0/query/x', undefined],
    ['https://evil.example/services/data/v62.0/query/x?token=1', '/services/data/v62.0/query/x', 'https://evil.example'],
    ['//evil.example/services/data/v62.0/x', '/services/data/v62.0/x', 'https://evil.example'],
    ['\\\\evil.example/services/data/v62.0/x', '/services/data/v62.0/x', 'https://evil.example'],
    ['http://acme.my.salesforce.com/services/data/v62.0/x', '/services/data/v62.0/x', 'http://acme.my.salesforce.com'],
    ['/services/data/v62.0/../../oauth2/token', '/services/oauth2/token', undefined],
    ['/services/data/v62.0/%2e%2e/%2e%2e/oauth2/token', '/services/oauth2/token', undefined],
    ['https://user:pw@acme.my.salesforce.com/services/data/v62.0/x', '/services/data/v62.0/x', undefined],
  ])('refuses %s', (target, shownPath, foreignOrigin) => {
    let caught: unknown;
    try {
      dataApiUrl(ORIGIN, target);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsafeUrlError);
    expect((caught as InstanceType<typeof UnsafeUrlError>).shownPath).toBe(shownPath);
    expect((caught as InstanceType<typeof UnsafeUrlError>).foreignOrigin).toBe(foreignOrigin);
    expect((caught as Error).message).not.toContain('token=1');
  });

  it('accepts only real Ids as job ids', () => {
    expect(isSalesforceId('7504x00000AbCdEAAV')).toBe(true);
    for (const bad of ['../../sobjects/Account', '750x?y', '@evil', '7504x00000AbCdE/', '']) expect(isSalesforceId(bad)).toBe(false);
  });
});

describe('retry rules', () => {
  const timing = { baseRetryDelayMs: 1000, maxRetryDelayMs: 30_000, maxRetryAfterMs: 600_000 };

  it('calls a wait a rate limit when the server holds us back, not when it is down', () => {
    expect(isRateLimit(new SalesforceApiError(429, 'HTTP_429', '', '/p'))).toBe(true);
    expect(isRateLimit(new SalesforceApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.', '/p'))).toBe(true);
    expect(isRateLimit(new SalesforceApiError(503, 'SERVER_UNAVAILABLE', '', '/p', 2000))).toBe(true);
    expect(isRateLimit(new SalesforceApiError(503, 'SERVER_UNAVAILABLE', '', '/p'))).toBe(false);
    expect(isRateLimit(new SalesforceApiError(500, 'UNKNOWN_EXCEPTION', '', '/p'))).toBe(false);
    expect(isRateLimit(new TransportError('ECONNRESET', 'headers', 'h', ''))).toBe(false);
  });

  it('repeats outages, drops, cut-off answers and idle stalls, and nothing that would answer the same', () => {
    expect(isRetriable(new SalesforceApiError(503, 'SERVER_UNAVAILABLE', '', '/p'))).toBe(true);
    expect(isRetriable(new SalesforceApiError(429, 'HTTP_429', '', '/p'))).toBe(true);
    expect(isRetriable(new SalesforceApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', '/p'))).toBe(false);
    // The limit on long-running requests at once lifts as they finish: waited out.
    expect(isRetriable(new SalesforceApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.', '/p'))).toBe(true);
    expect(isRetriable(new SalesforceApiError(400, 'INVALID_FIELD', '', '/p'))).toBe(false);
    expect(isRetriable(new TransportError('Z_BUF_ERROR', 'body', 'h', 'unexpected end of file'))).toBe(true);
    expect(isRetriable(new TransportError('ECONNRESET', 'headers', 'h', ''))).toBe(true);
    expect(isRetriable(new TransportError('ENOTFOUND', 'connect', 'h', ''))).toBe(false);
    expect(isRetriable(new TransportError('ECONNREFUSED', 'connect', 'h', ''))).toBe(false);
    // Once the host has answered in this run, a refused connection is a blip (a load balancer restarting).
    expect(isRetriable(new TransportError('ECONNREFUSED', 'connect', 'h', '', undefined, true))).toBe(true);
    expect(isRetriable(new StallError('idle', 1, 'h', '/p'))).toBe(true);
    expect(isRetriable(new StallError('deadline', 1, 'h', '/p'))).toBe(false);
    expect(isRetriable(new UnreadableAnswerError('/p', 3, 'x'))).toBe(true);
    expect(isRetriable(new AnswerTooLargeError('answer', 1, '/p'))).toBe(false);
    // A third download cannot tell which of two that disagree was right, and the rows are written.
    expect(isRetriable(new ResultPageChangedError('750000000000001AAA', 5))).toBe(false);
    expect(isRetriable(new RedirectError(302, '/p', 'h', 'https://evil'))).toBe(false);
    expect(isRetriable(new OAuthError(503, undefined, undefined, { flow: 'client_credentials', host: 'h' }))).toBe(true);
    expect(isRetriable(new OAuthError(400, 'invalid_client', undefined, { flow: 'client_credentials', host: 'h' }))).toBe(false);
  });

  it('doubles the pause up to its cap, with jitter, never below Retry-After', () => {
    expect(retryDelayMs(1, timing, undefined, 1)).toBe(1000);
    expect(retryDelayMs(1, timing, undefined, 0)).toBe(500);
    expect(retryDelayMs(3, timing, undefined, 1)).toBe(4000);
    expect(retryDelayMs(10, timing, undefined, 1)).toBe(30_000);
    expect(retryDelayMs(1, timing, 7000, 1)).toBe(7000);
    expect(retryDelayMs(1, timing, 3_600_000, 1)).toBeUndefined();
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 02 Dec 2026 10:00:10 GMT', Date.parse('2026-12-02T10:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

/** A loopback server whose next answers are scripted per request. */
describe('RequestPolicy against a real server', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  const script: Handler[] = [];
  const hits: string[] = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      const next = script.shift();
      if (next) next(req, res);
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  // A test whose policy gave up before using every scripted answer must not hand the rest to the next test.
  beforeEach(() => {
    script.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const fast = resolveSettings({ baseRetryDelayMs: 1, maxRetryDelayMs: 2, idleTimeoutMs: 100, deadlineMs: 800, maxAnswerBytes: 100_000 });
  const asJson = (answer: { status: number; text: string }) => {
    if (answer.status >= 300) throw new SalesforceApiError(answer.status, `HTTP_${answer.status}`, '', '/x');
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      throw new UnreadableAnswerError('/x', answer.text.length, 'cut');
    }
  };
  const call = (policy: InstanceType<typeof RequestPolicy>, path = '/x') =>
    policy.call({ url: new URL(`${base}${path}`), context: { action: 'test' } }, asJson);

  it('repeats a gzip body cut mid-stream, a reset and a 503, and reports each retry', async () => {
    const gz = gzipSync(JSON.stringify({ ok: true, pad: 'x'.repeat(5000) }));
    script.push(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(gz.length) });
        res.write(gz.subarray(0, gz.length >> 1), () => res.destroy());
      },
      (req) => req.socket.resetAndDestroy(),
      (_req, res) => res.writeHead(503).end('[{"errorCode":"SERVER_UNAVAILABLE","message":"x"}]'),
    );
    const events: RetryEvent[] = [];
    const policy = new RequestPolicy(fast, { onRetry: (e) => events.push(e) });
    await expect(call(policy)).resolves.toEqual({ ok: true });
    expect(events.map((e) => [e.attempt, e.attempts])).toEqual([
      [1, 6],
      [2, 6],
      [3, 6],
    ]);
    expect(events[0].reason).toMatch(/while receiving the answer/);
  });

  it('marks a wait the server imposed as a rate limit, until the time its Retry-After names, and reports when each pause ends', async () => {
    script.push(
      (_req, res) => res.writeHead(429, { 'retry-after': '0' }).end(),
      (_req, res) => res.writeHead(503).end('[{"errorCode":"SERVER_UNAVAILABLE","message":"x"}]'),
    );
    const seen: [string, RetryEvent][] = [];
    const policy = new RequestPolicy(fast, { onRetry: (e) => seen.push(['retry', e]), onResume: (e) => seen.push(['resume', e]) });
    const withRetryAfter = (answer: { status: number; text: string; headers: Record<string, string | string[] | undefined> }) => {
      if (answer.status >= 300) throw new SalesforceApiError(answer.status, `HTTP_${answer.status}`, '', '/x', parseRetryAfter(answer.headers['retry-after']));
      return JSON.parse(answer.text) as unknown;
    };
    const before = Date.now();
    await expect(policy.call({ url: new URL(`${base}/x`), context: { action: 'test' } }, withRetryAfter)).resolves.toEqual({ ok: true });
    expect(seen.map(([what, e]) => [what, e.attempt, e.rateLimit])).toEqual([
      ['retry', 1, { until: expect.any(Number) }],
      ['resume', 1, { until: expect.any(Number) }],
      ['retry', 2, undefined],
      ['resume', 2, undefined],
    ]);
    const until = seen[0][1].rateLimit!.until!;
    expect(until).toBeGreaterThanOrEqual(before);
    expect(until).toBeLessThanOrEqual(Date.now());
  });

  it('never follows a redirect', async () => {
    hits.length = 0;
    script.push((_req, res) => res.writeHead(307, { location: 'https://evil.example/steal?x=1' }).end());
    const error = await call(new RequestPolicy(fast)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectError);
    expect((error as InstanceType<typeof RedirectError>).target).toBe('https://evil.example');
    expect(hits).toHaveLength(1);
  });

  it('gives up on an answer that stalls after its headers, within the idle timeout per attempt', async () => {
    // Three attempts of 50 ms each: the deadline (800 ms an attempt) would take 2.4 s.
    for (let i = 0; i < 3; i++) script.push((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"a":'));
    const started = Date.now();
    const error = await call(new RequestPolicy(resolveSettings({ ...fast, attempts: 3, idleTimeoutMs: 50 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StallError);
    expect((error as InstanceType<typeof StallError>).kind).toBe('idle');
    expect(Date.now() - started).toBeLessThan(3 * 50 + 1500);
  });

  it('abandons a drip that never goes idle at the deadline, without retrying it', async () => {
    hits.length = 0;
    script.push((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    // Idle never fires here, whatever the machine's load: only the deadline can end it.
    const error = await call(new RequestPolicy(resolveSettings({ ...fast, idleTimeoutMs: 5000, deadlineMs: 150 }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StallError);
    expect((error as InstanceType<typeof StallError>).kind).toBe('deadline');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hits).toHaveLength(1);
  });

  describe('the floor on the transfer rate', () => {
    // Scaled down: 50 bytes per 150 ms of waiting (333 B/s), as 8 KB per two minutes is 68 B/s.
    const floor = resolveSettings({ ...fast, idleTimeoutMs: 5000, deadlineMs: 20_000, slowBodyWindowMs: 150, slowBodyMinBytes: 50 });
    const body = JSON.stringify({ ok: true, pad: 'x'.repeat(8_000) });

    it('fails an attempt whose body drips after its headers, and retries it', async () => {
      hits.length = 0;
      script.push((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        let sent = 0;
        // A byte every 30 ms: never idle, about 5 bytes a window.
        const timer = setInterval(() => res.write(body.slice(sent, ++sent)), 30);
        res.on('close', () => clearInterval(timer));
      });
      script.push((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
      const events: RetryEvent[] = [];
      const answer = await call(new RequestPolicy(floor, { onRetry: (e) => events.push(e) }));
      expect(answer).toMatchObject({ ok: true });
      expect(events.map((e) => e.reason)).toEqual(['fewer than 50 bytes in 150 ms']);
      expect(hits).toHaveLength(2);
    });

    it('gives up, retried each time, on a server that only ever drips', async () => {
      for (let i = 0; i < 2; i++) {
        script.push((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const timer = setInterval(() => res.write(' '), 30);
          res.on('close', () => clearInterval(timer));
        });
      }
      const error = await call(new RequestPolicy(resolveSettings({ ...floor, attempts: 2 }))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StallError);
      expect((error as InstanceType<typeof StallError>).kind).toBe('slow');
      expect((error as InstanceType<typeof StallError>).message).toMatch(/fewer than 50 bytes from 127\.0\.0\.1:\d+ in 150 ms of waiting \(\/x\)/);
    });

    it('never cuts a slow but real link', async () => {
      // 400 bytes every 20 ms: 20 KB/s, sixty times the floor, as a link of 4 KB/s is to 68 B/s; the body spans several windows.
      script.push((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        let sent = 0;
        const timer = setInterval(() => {
          res.write(body.slice(sent, (sent += 400)));
          if (sent >= body.length) {
            clearInterval(timer);
            res.end();
          }
        }, 20);
        res.on('close', () => clearInterval(timer));
      });
      const events: RetryEvent[] = [];
      await expect(call(new RequestPolicy(floor, { onRetry: (e) => events.push(e) }))).resolves.toMatchObject({ ok: true });
      expect(events).toEqual([]);
    });

    it('does not count the time a slow reader keeps the body waiting', async () => {
      // A fast server, a reader that stops for several windows: only the rate while it wants data counts.
      const big = Buffer.alloc(2_000_000, 'x');
      script.push((_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end(big));
      // The idle bound is shorter than the pause too: neither clock may run while the reader is away.
      const strict = resolveSettings({ ...floor, slowBodyMinBytes: 1_000_000, idleTimeoutMs: 250 });
      const { body: streamed } = await new RequestPolicy(strict).open({ url: new URL(`${base}/csv`), context: { action: 'test' } }, () => {
        throw new Error('not an error status');
      });
      let bytes = 0;
      for await (const chunk of streamed) {
        bytes += (chunk as Buffer).length;
        // The first chunk, then a pause of four windows and over twice the idle bound with the body's
        // buffers full: either would trip, were waiting on the reader counted.
        if (bytes === (chunk as Buffer).length) await new Promise((resolve) => setTimeout(resolve, 600));
      }
      expect(bytes).toBe(big.length);
    });
  });

  it('stops a gzip bomb as it inflates', async () => {
    // Twenty times the answer cap: inflating it whole is what the cap is there to prevent.
    const bomb = gzipSync(Buffer.alloc(2_000_000, 0x20));
    script.push((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb));
    const error = await call(new RequestPolicy(fast)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnswerTooLargeError);
  });

  it('reads a streamed page past the answer cap: it is never held whole', async () => {
    script.push((_req, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('x'.repeat(300_000)));
    const { body } = await new RequestPolicy(fast).open({ url: new URL(`${base}/csv`), context: { action: 'test' } }, () => {
      throw new Error('not an error status');
    });
    let bytes = 0;
    for await (const chunk of body) bytes += (chunk as Buffer).length;
    expect(bytes).toBe(300_000);
  });

  it('abandons a call on its signal: no retry, no retry report', async () => {
    for (let i = 0; i < 3; i++) script.push((_req, res) => res.writeHead(503).end('[]'));
    const abandon = new AbortController();
    const events: RetryEvent[] = [];
    const slow = resolveSettings({ ...fast, baseRetryDelayMs: 5000, maxRetryDelayMs: 5000 });
    const call = new RequestPolicy(slow, { onRetry: (e) => events.push(e) }).call(
      { url: new URL(`${base}/x`), context: { action: 'test' }, signal: abandon.signal },
      asJson,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const hitsBefore = hits.length;
    abandon.abort();
    const started = Date.now();
    await expect(call).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(events).toHaveLength(1);
    expect(hits.length).toBe(hitsBefore);
    script.length = 0;
  });
});

describe('an answer whose headers and a broken body arrive in one packet', () => {
  it.each([
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
    [
      'a Content-Length one byte short of a UTF-8 body',
      'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n[{"é":1}] trailing',
    ],
  ])('%s fails the call with a typed failure, never an unhandled error', async (_what, raw) => {
    const server = createTcpServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(raw));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    const settings = resolveSettings({ attempts: 2, baseRetryDelayMs: 1, maxRetryDelayMs: 2 });
    try {
      const error = await new RequestPolicy(settings).call({ url, context: { action: 'test' } }, (a) => a.text).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SalesforceFailure);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
