/**
 * Transport misbehaviours on the wire: real sockets cut or reset mid-body, real gzip streams,
 * real redirects, bytes dripped by timers. Big bodies are generated as they are sent, with
 * backpressure, so a gigabyte answer costs the emulator no memory.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzip } from 'node:zlib';
import { answerBytes, type Answer } from './answer.js';
import { JSON_TYPE } from './http-util.js';
import type { TransportMisbehaviour } from './misbehaviour.js';
import type { TcpSockets } from './tcp-sockets.js';

const gzipAsync = promisify(gzip);
const FILLER = Buffer.alloc(64 * 1024, 'a');

// hugeBody: a query page holding one Account whose Name is the filler. Together these stay under
// MIN_HUGE_BODY_BYTES (misbehaviour.ts), so any allowed size is reachable.
const HUGE_PAGE_HEAD =
  '{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000HUGEAA"},' +
  '"Id":"001000000000HUGEAA","SystemModstamp":"2024-01-01T00:00:00.000+0000","Name":"';
const HUGE_PAGE_TAIL = '"}]}';
// gzipBomb: what a client decoding it sees first is a plausible page, so only a size cap saves it.
const BOMB_HEAD = '{"totalSize":1,"done":true,"records":[{"Name":"';
// Too many requests of 20 s or more running in the org at once (salesforce-wire.md, section 5).
const CONCURRENCY_LIMIT = JSON.stringify([{ message: 'ConcurrentPerOrgLongTxn Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);

/** Retry-After in seconds, or as the HTTP date that many seconds after the answer's Date (set by the server before any handler). */
function retryAfter(res: ServerResponse, seconds: number, asDate = false): string {
  if (!asDate) return String(seconds);
  const dated = Date.parse(String(res.getHeader('date') ?? ''));
  return new Date((Number.isNaN(dated) ? Date.now() : dated) + seconds * 1000).toUTCString();
}

/**
 * Answers with `m`. `realAnswer` computes what the org would have said, without side effects; it
 * is called only by the misbehaviours that send (part of) it.
 */
export async function sendMisbehaving(
  req: IncomingMessage,
  res: ServerResponse,
  m: TransportMisbehaviour,
  realAnswer: () => Promise<Answer>,
  tcp: TcpSockets,
): Promise<void> {
  switch (m.kind) {
    case 'redirect':
      res.writeHead(m.status, { Location: m.location, 'Content-Length': '0' });
      res.end();
      return;
    case 'hugeBody':
      return hugeBody(res, m.bytes, m.chunked ?? false);
    case 'gzipBomb':
      return gzipBomb(res, m.bytes);
    case 'cutBody':
      return cutBody(res, await realAnswer(), m.gzip, m.fraction ?? 0.5);
    case 'resetAfterPartial':
      return resetAfterPartial(res, await realAnswer(), tcp);
    case 'drip':
      return drip(res, await realAnswer(), m.intervalMs, m.totalMs);
    case 'slowLink':
      return slowLink(res, await realAnswer(), m.bytesPerTick, m.intervalMs);
    case 'rateLimited':
      // Salesforce's edge limit: 429 with no body, and a Retry-After only when asked for.
      res.writeHead(429, {
        'Content-Length': '0',
        ...(m.retryAfterSeconds === undefined ? {} : { 'Retry-After': retryAfter(res, m.retryAfterSeconds, m.retryAfterAsDate) }),
      });
      res.end();
      return;
    case 'concurrencyLimit':
      res.writeHead(403, { 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(CONCURRENCY_LIMIT)) });
      res.end(CONCURRENCY_LIMIT);
      return;
    case 'stall': {
      const answer = await realAnswer();
      const { headers, bytes } = answerBytes(answer);
      res.writeHead(answer.status, { ...headers, 'Content-Length': String(bytes.length) });
      res.flushHeaders();
      return;
    }
  }
}

/** Between 1 byte and all but one, so the client always gets a body that has started and not ended. */
function partLength(total: number, fraction: number): number {
  return Math.max(Math.min(1, total), Math.min(total - 1, Math.floor(total * fraction)));
}

/**
 * The real headers, announcing the whole body, then `fraction` of it and a closed connection. A
 * compressed CSV page is chunked as the real one is; every other answer carries its full length.
 */
export async function cutBody(res: ServerResponse, answer: Answer, gzipped: boolean, fraction: number): Promise<void> {
  const { headers, bytes } = answerBytes(answer);
  const out = { ...headers };
  let payload = bytes;
  if (gzipped) {
    payload = await gzipAsync(bytes, { level: 1 });
    out['Content-Encoding'] = 'gzip';
    out.Vary = 'Accept-Encoding';
  }
  const csvStream = gzipped && /^text\/csv/i.test(out['Content-Type']);
  if (!csvStream) out['Content-Length'] = String(payload.length);
  res.writeHead(answer.status, out);
  res.write(payload.subarray(0, partLength(payload.length, fraction)), () => res.destroy());
}

/** Headers and half the body, then a TCP RST instead of the rest. */
function resetAfterPartial(res: ServerResponse, answer: Answer, tcp: TcpSockets): void {
  const { headers, bytes } = answerBytes(answer);
  res.writeHead(answer.status, { ...headers, 'Content-Length': String(bytes.length) });
  res.write(bytes.subarray(0, partLength(bytes.length, 0.5)), () => tcp.reset(res.socket));
}

/**
 * The real answer one byte per interval, the last byte held back so it never completes. After
 * `totalMs` the connection is closed, as a proxy that gives up would; timers die with the socket.
 */
function drip(res: ServerResponse, answer: Answer, intervalMs: number, totalMs: number | undefined): void {
  const { headers, bytes } = answerBytes(answer);
  res.writeHead(answer.status, { ...headers, 'Content-Length': String(bytes.length) });
  res.flushHeaders();
  let sent = 0;
  const tick = setInterval(() => {
    if (sent < bytes.length - 1) res.write(bytes.subarray(sent, ++sent));
    else clearInterval(tick);
  }, intervalMs).unref();
  const limit = totalMs === undefined ? undefined : setTimeout(() => res.destroy(), totalMs).unref();
  res.once('close', () => {
    clearInterval(tick);
    clearTimeout(limit);
  });
}

/** The whole real answer, `bytesPerTick` bytes per interval: a slow but working link. */
function slowLink(res: ServerResponse, answer: Answer, bytesPerTick: number, intervalMs: number): void {
  const { headers, bytes } = answerBytes(answer);
  res.writeHead(answer.status, { ...headers, 'Content-Length': String(bytes.length) });
  res.flushHeaders();
  let sent = 0;
  const tick = setInterval(() => {
    res.write(bytes.subarray(sent, (sent += bytesPerTick)));
    if (sent < bytes.length) return;
    clearInterval(tick);
    res.end();
  }, intervalMs).unref();
  res.once('close', () => clearInterval(tick));
}

function* repeated(head: string, bytes: number, tail = ''): Generator<Buffer> {
  const start = Buffer.from(head, 'utf8');
  const end = Buffer.from(tail, 'utf8');
  yield start.subarray(0, bytes);
  for (let left = bytes - start.length - end.length; left > 0; left -= FILLER.length) {
    yield left >= FILLER.length ? FILLER : FILLER.subarray(0, left);
  }
  if (end.length) yield end;
}

/** A valid query page of exactly `bytes` bytes, with its length announced unless `chunked`. */
async function hugeBody(res: ServerResponse, bytes: number, chunked: boolean): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE };
  if (!chunked) headers['Content-Length'] = String(bytes);
  res.writeHead(200, headers);
  await pipeline(Readable.from(repeated(HUGE_PAGE_HEAD, bytes, HUGE_PAGE_TAIL)), res);
}

/** Deflated as it is sent, whatever the client accepts: about a thousandth of `bytes` on the wire. */
async function gzipBomb(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
  await pipeline(Readable.from(repeated(BOMB_HEAD, bytes)), createGzip({ level: 9 }), res);
}
