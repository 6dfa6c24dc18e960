/**
 * The floor: the least any Node program must do to move the same data the connector moves. It gets
 * its SOQL handed to it (no describe, no config, no catalog), takes one token, fetches the same pages
 * with the same headers (gzip, batchSize=2000), JSON.parses each page (or streams Bulk CSV through
 * csv-parse), and writes one JSON line per record to stdout with backpressure. The next REST page is
 * requested while the current one is written, as any sensible client would. No type conversion, no
 * state, no validation, no retries.
 *
 * Usage: node dist/bench/floor.js '<FloorJob JSON>'; stdout: record lines; stderr: one JSON summary.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse';

export interface FloorStream {
  object: string;
  soql: string;
  /** queryAll (and a queryAll Bulk job) when true, like the connector's incremental reads */
  includeDeleted: boolean;
}

export interface FloorJob {
  url: string;
  clientId: string;
  clientSecret: string;
  api: 'rest' | 'bulk';
  /** ask for gzip like the connector does (got sends accept-encoding: gzip, deflate, br) */
  gzip: boolean;
  streams: FloorStream[];
}

export interface FloorSummary {
  records: number;
  calls: number;
  pages: number;
  /** ms spent with nothing to do but wait for an answer (REST page, or a Bulk result page's first byte) */
  waitMs: number;
}

const DATA = '/services/data/v62.0';
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const out = process.stdout;
const summary: FloorSummary = { records: 0, calls: 0, pages: 0, waitMs: 0 };

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Readable;
}

function send(job: FloorJob, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  if (path.startsWith('/services/data/')) summary.calls++;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, job.url), { method, agent, headers: { ...headers, ...(job.gzip ? { 'accept-encoding': 'gzip' } : {}) } }, (res) => {
      const gz = res.headers['content-encoding'] === 'gzip';
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: gz ? res.pipe(createGunzip()) : res });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function text(reply: Reply): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of reply.body) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if (reply.status >= 300) throw new Error(`HTTP ${reply.status}: ${body.slice(0, 300)}`);
  return body;
}

async function json<T>(job: FloorJob, method: string, path: string, headers: Record<string, string>, body?: string): Promise<T> {
  const raw = await text(await send(job, method, path, headers, body));
  return (raw ? JSON.parse(raw) : undefined) as T;
}

async function write(chunk: string): Promise<void> {
  if (chunk && !out.write(chunk)) await once(out, 'drain');
}

interface Page {
  records: Array<Record<string, unknown>>;
  done: boolean;
  nextRecordsUrl?: string;
}

async function restStream(job: FloorJob, auth: Record<string, string>, stream: FloorStream): Promise<void> {
  const headers = { ...auth, 'sforce-query-options': 'batchSize=2000' };
  const endpoint = stream.includeDeleted ? 'queryAll' : 'query';
  const prefix = `{"type":"RECORD","record":{"stream":"${stream.object}","emitted_at":`;
  let pending = json<Page>(job, 'GET', `${DATA}/${endpoint}?q=${encodeURIComponent(stream.soql)}`, headers);
  for (;;) {
    const waitStart = performance.now();
    const page = await pending;
    summary.waitMs += performance.now() - waitStart;
    const next = page.done ? undefined : page.nextRecordsUrl;
    if (next) {
      pending = json<Page>(job, 'GET', next, headers);
      // Let the request reach the socket before the synchronous work below: a request made and
      // then followed by 50 ms of JSON work is only sent once that work is done.
      if (!process.env.FLOOR_NO_YIELD) await yieldToIo();
    }
    const head = `${prefix}${Date.now()},"data":`;
    let chunk = '';
    for (const record of page.records) {
      record.attributes = undefined; // JSON.stringify skips it
      chunk += `${head}${JSON.stringify(record)}}}\n`;
    }
    summary.records += page.records.length;
    summary.pages++;
    await write(chunk);
    if (!next) return;
  }
}

async function bulkStream(job: FloorJob, auth: Record<string, string>, stream: FloorStream): Promise<void> {
  const created = await json<{ id: string }>(
    job,
    'POST',
    `${DATA}/jobs/query`,
    { ...auth, 'content-type': 'application/json' },
    JSON.stringify({
      operation: stream.includeDeleted ? 'queryAll' : 'query',
      query: stream.soql,
      contentType: 'CSV',
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
    }),
  );
  for (let pause = 50; ; pause = Math.min(pause * 2, 20_000)) {
    const info = await json<{ state: string }>(job, 'GET', `${DATA}/jobs/query/${created.id}`, auth);
    if (info.state === 'JobComplete') break;
    if (info.state === 'Failed' || info.state === 'Aborted') throw new Error(`bulk job ${info.state}`);
    await sleep(pause);
  }
  const prefix = `{"type":"RECORD","record":{"stream":"${stream.object}","emitted_at":`;
  let locator: string | undefined;
  do {
    const query = `maxRecords=100000${locator ? `&locator=${encodeURIComponent(locator)}` : ''}`;
    const waitStart = performance.now();
    const reply = await send(job, 'GET', `${DATA}/jobs/query/${created.id}/results?${query}`, { ...auth, accept: 'text/csv' });
    summary.waitMs += performance.now() - waitStart;
    if (reply.status >= 300) throw new Error(`HTTP ${reply.status}: ${await text(reply)}`);
    let chunk = '';
    let rows = 0;
    let head = `${prefix}${Date.now()},"data":`;
    for await (const row of reply.body.pipe(parse({ columns: true }))) {
      chunk += `${head}${JSON.stringify(row)}}}\n`;
      if (++rows === 2000) {
        summary.records += rows;
        summary.pages++;
        await write(chunk);
        chunk = '';
        rows = 0;
        head = `${prefix}${Date.now()},"data":`;
      }
    }
    summary.records += rows;
    await write(chunk);
    const next = reply.headers['sforce-locator'];
    locator = typeof next === 'string' && next && next !== 'null' ? next : undefined;
  } while (locator);
  await text(await send(job, 'DELETE', `${DATA}/jobs/query/${created.id}`, auth));
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as FloorJob;
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: job.clientId, client_secret: job.clientSecret });
  const token = await json<{ access_token: string }>(
    job,
    'POST',
    '/services/oauth2/token',
    { 'content-type': 'application/x-www-form-urlencoded' },
    form.toString(),
  );
  const auth = { authorization: `Bearer ${token.access_token}` };
  const read = job.api === 'bulk' ? bulkStream : restStream;
  await Promise.all(job.streams.map((stream) => read(job, auth, stream)));
  await new Promise<void>((resolve) => out.write('', () => resolve()));
  process.stderr.write(JSON.stringify(summary) + '\n');
  agent.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`floor: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
