/** Shared plumbing for the emulator's own tests: token minting and authenticated REST calls. */
import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Emulator } from './emulator.js';

export const V = '/services/data/v62.0';

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/**
 * One keep-alive agent per emulator: node:http on a kept connection costs a fraction of the CPU of
 * fetch() per request. Idle pooled sockets are unref'd by Node, and the emulator's close() destroys
 * its connections, so no Jest worker is left holding one.
 */
const agents = new WeakMap<Emulator, HttpAgent | HttpsAgent>();

function agentFor(emu: Emulator): HttpAgent | HttpsAgent {
  let agent = agents.get(emu);
  if (!agent) {
    agent = emu.url.startsWith('https:')
      ? new HttpsAgent({ keepAlive: true, ...(emu.caFile ? { ca: readFileSync(emu.caFile, 'utf8') } : {}) })
      : new HttpAgent({ keepAlive: true });
    agents.set(emu, agent);
  }
  return agent;
}

/** A request on the emulator's kept connection; a gzip or deflate body (asked for by the caller) is decoded as fetch would. */
function send(
  emu: Emulator,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Headers; text: string }> {
  const target = new URL(emu.url + path);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, { method: opts.method ?? 'GET', headers: opts.headers, agent: agentFor(emu) }, (res) => {
      const encoding = res.headers['content-encoding'];
      const body = encoding === 'gzip' ? res.pipe(createGunzip()) : encoding === 'deflate' ? res.pipe(createInflate()) : res;
      const chunks: Buffer[] = [];
      body.on('data', (c: Buffer) => chunks.push(c));
      body.on('end', () => resolve({ status: res.statusCode ?? 0, headers: toHeaders(res.headers), text: Buffer.concat(chunks).toString('utf8') }));
      body.on('error', reject);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

export async function mintToken(emu: Emulator, clientId = 'demo-client-id', clientSecret = 'demo-client-secret'): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString();
  const res = await send(emu, '/services/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8', 'Content-Length': String(Buffer.byteLength(form)) },
    body: form,
  });
  const body = JSON.parse(res.text) as { access_token: string };
  if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export async function call(emu: Emulator, path: string, token: string | null, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await send(emu, path, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });
  let body: unknown = res.text;
  try {
    body = JSON.parse(res.text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body, text: res.text };
}

export function soqlPath(soql: string, all = false): string {
  return `${V}/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`;
}

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

/** Runs a query and follows nextRecordsUrl to the end, returning every page. */
export async function queryAllPages(emu: Emulator, token: string, soql: string, opts: { all?: boolean; batchSize?: number } = {}): Promise<QueryPage[]> {
  const headers: Record<string, string> = opts.batchSize ? { 'Sforce-Query-Options': `batchSize=${opts.batchSize}` } : {};
  const pages: QueryPage[] = [];
  let reply = await call(emu, soqlPath(soql, opts.all), token, headers);
  for (;;) {
    if (reply.status !== 200) throw new Error(`query: ${reply.status} ${reply.text}`);
    const page = reply.body as QueryPage;
    pages.push(page);
    if (page.done) return pages;
    reply = await call(emu, page.nextRecordsUrl!, token, headers);
  }
}

/** A raw GET that does not decompress, to see exactly what went over the wire. */
export function rawGet(
  url: string,
  headers: Record<string, string>,
  ca?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(target, { headers, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Everything a client saw of one exchange, the error included, byte for byte (no decoding). */
export interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  error: NodeJS.ErrnoException | null;
  /** Milliseconds from the request to each chunk of body. */
  arrivals: number[];
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: string;
  /** Hang up after this many ms (for answers that never end). */
  abortAfterMs?: number;
  /** Hang up once this many chunks of body have arrived: a count that a loaded machine's late timers cannot shrink. */
  abortAfterChunks?: number;
}

/** A fresh connection per exchange (agent: false), so a cut or reset socket is never reused. */
export function raw(url: string, opts: RawOptions = {}): Promise<Exchange> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const start = Date.now();
  return new Promise((resolve) => {
    const seen: Exchange = { status: 0, headers: {}, body: Buffer.alloc(0), error: null, arrivals: [] };
    const chunks: Buffer[] = [];
    const finish = (error: NodeJS.ErrnoException | null) => {
      clearTimeout(timer);
      resolve({ ...seen, body: Buffer.concat(chunks), error: seen.error ?? error });
    };
    const req = request(target, { method: opts.method ?? 'GET', headers: opts.headers, agent: false, ...(opts.ca ? { ca: opts.ca } : {}) }, (res) => {
      seen.status = res.statusCode ?? 0;
      seen.headers = res.headers;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        seen.arrivals.push(Date.now() - start);
        if (seen.arrivals.length === opts.abortAfterChunks) {
          req.destroy();
          finish(null);
        }
      });
      res.on('end', () => finish(null));
      res.on('error', (err) => finish(err));
    });
    const timer =
      opts.abortAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            req.destroy();
            finish(null);
          }, opts.abortAfterMs);
    req.on('error', (err) => finish(err));
    req.end(opts.body);
  });
}
