import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

type Job = Record<string, unknown> & { id: string; state: string };
type ErrorBody = { errorCode: string; message: string }[];

describe('Bulk API 2.0 query jobs', () => {
  let emu: Emulator;
  let token: string;
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(emu.url + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
  };
  const createJob = async (query: string, extra: Record<string, unknown> = {}) => {
    const reply = await send('POST', `${V}/jobs/query`, { operation: 'query', query, ...extra });
    if (reply.status !== 200) throw new Error(reply.text);
    return reply.json() as Job;
  };

  beforeAll(async () => {
    emu = await startEmulator({
      counts: { Account: 120, Contact: 600, Lead: 10, Opportunity: 10, Case: 10, User: 3 },
      bulkUnsupportedObjects: ['Lead'],
      bulkPollsBeforeComplete: 1,
    });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('creates a job, reports progress, then serves CSV pages with Sforce-Locator', async () => {
    const job = await createJob('SELECT Id, Name, SystemModstamp, IsDeleted, NumberOfEmployees FROM Account', { operation: 'queryAll' });
    expect(job).toMatchObject({
      operation: 'queryAll',
      object: 'Account',
      state: 'UploadComplete',
      contentType: 'CSV',
      apiVersion: 62,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    });
    expect(job.id).toMatch(/^750[A-Za-z0-9]{15}$/);
    const early = await send('GET', `${V}/jobs/query/${job.id}/results`);
    expect(early.status).toBe(412);
    expect(((await send('GET', `${V}/jobs/query/${job.id}`)).json() as Job).state).toBe('InProgress');
    const done = (await send('GET', `${V}/jobs/query/${job.id}`)).json() as Job;
    expect(done).toMatchObject({ state: 'JobComplete', jobType: 'V2Query', numberRecordsProcessed: 120, retries: 0 });

    const ids: string[] = [];
    let locator: string | null = null;
    let pages = 0;
    do {
      const reply = await send('GET', `${V}/jobs/query/${job.id}/results?maxRecords=50${locator ? `&locator=${locator}` : ''}`);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = reply.text.trimEnd().split('\n');
      expect(lines[0]).toBe('"Id","Name","SystemModstamp","IsDeleted","NumberOfEmployees"');
      expect(Number(reply.headers.get('sforce-numberofrecords'))).toBe(lines.length - 1);
      for (const line of lines.slice(1)) ids.push(line.split(',')[0].replace(/"/g, ''));
      locator = reply.headers.get('sforce-locator');
      pages++;
      if (locator !== 'null') {
        // A locator can be read again.
        const again = await send('GET', `${V}/jobs/query/${job.id}/results?maxRecords=50&locator=${locator}`);
        expect(again.status).toBe(200);
      }
    } while (locator !== 'null');
    expect(pages).toBe(3);
    // Without ORDER BY the rows come in the order chunks finish: all of them, not in storage order.
    const stored = emu.records('Account', { includeDeleted: true }).map((r) => r.Id);
    expect([...ids].sort()).toEqual([...stored].sort());
    expect(ids).not.toEqual(stored);
  });

  it('answers in ORDER BY order when asked, and fails jobs as a huge org would: ORDER BY over many rows, or too wide a window', async () => {
    const ordered = await createJob('SELECT Id FROM Account ORDER BY SystemModstamp ASC, Id ASC');
    await send('GET', `${V}/jobs/query/${ordered.id}`);
    const done = (await send('GET', `${V}/jobs/query/${ordered.id}`)).json() as Job;
    expect(done.state).toBe('JobComplete');
    const rows = (await send('GET', `${V}/jobs/query/${ordered.id}/results`)).text.trimEnd().split('\n').slice(1);
    expect(rows.map((l) => l.replace(/"/g, ''))).toEqual(emu.records('Account', { includeDeleted: false }).map((r) => r.Id));

    const failing = await startEmulator({ counts: { Account: 50 }, bulkFailures: { orderByOverRows: 10, widerThanMs: 3_600_000 } });
    try {
      const poll = async (soql: string) => {
        const created = (await fetch(`${failing.url}${V}/jobs/query`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await mintToken(failing)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ operation: 'query', query: soql }),
        }).then((r) => r.json())) as Job;
        const reply = await fetch(`${failing.url}${V}/jobs/query/${created.id}`, { headers: { authorization: `Bearer ${await mintToken(failing)}` } });
        return (await reply.json()) as Job & { errorMessage?: string };
      };
      expect(await poll('SELECT Id FROM Account ORDER BY Id ASC')).toMatchObject({ state: 'Failed', errorMessage: expect.stringMatching(/QUERY_TIMEOUT/) });
      expect((await poll('SELECT Id FROM Account')).state).toBe('Failed'); // the whole history is wider than an hour
      const recent = new Date(Date.now() - 60_000).toISOString();
      expect((await poll(`SELECT Id FROM Account WHERE SystemModstamp >= ${recent}`)).state).toBe('JobComplete');
      expect(failing.bulkJobsFailed).toBe(2);
      expect(failing.bulkQueries).toHaveLength(3);
    } finally {
      await failing.close();
    }
  });

  it('writes datetimes with Z, nulls as empty fields and doubles inner quotes', async () => {
    const target = emu.records('Account')[0];
    emu.update('Account', String(target.Id), { Name: 'The "Quoted" Co', Website: null });
    const job = await createJob(`SELECT Id, Name, Website, SystemModstamp FROM Account WHERE Id = '${String(target.Id)}'`, {
      columnDelimiter: 'PIPE',
      lineEnding: 'CRLF',
    });
    await send('GET', `${V}/jobs/query/${job.id}`);
    await send('GET', `${V}/jobs/query/${job.id}`);
    const csv = (await send('GET', `${V}/jobs/query/${job.id}/results`)).text;
    const [, row] = csv.split('\r\n');
    const cells = row.split('|');
    expect(cells[1]).toBe('"The ""Quoted"" Co"');
    expect(cells[2]).toBe('');
    expect(cells[3]).toMatch(/^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/);
  });

  /** A completed job over every live Contact (more than 500: a page of 500 spans several rendered chunks). */
  const completedContactJob = async () => {
    const job = await createJob('SELECT Id, Name, Email, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC, Id ASC');
    await send('GET', `${V}/jobs/query/${job.id}`);
    await send('GET', `${V}/jobs/query/${job.id}`);
    return job;
  };
  /** GET through node:http, which leaves the body as sent: raw gzip when asked for, and no fetch buffering. */
  const rawGet = (path: string, acceptEncoding?: string) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...(acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {}) };
      request(emu.url + path, { headers }, resolve)
        .on('error', reject)
        .end();
    });
  const readAll = async (stream: NodeJS.ReadableStream) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('streams result pages chunked, gzipped when asked, with the page headers known up front', async () => {
    const job = await completedContactJob();
    const path = `${V}/jobs/query/${job.id}/results?maxRecords=500`;
    const plain = await rawGet(path);
    expect(plain.headers['transfer-encoding']).toBe('chunked');
    expect(plain.headers['content-length']).toBeUndefined();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['sforce-numberofrecords']).toBe('500');
    expect(plain.headers['sforce-locator']).toBe(Buffer.from('500').toString('base64'));
    const text = (await readAll(plain)).toString('utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(502); // header, 500 rows, and the empty string after the last LF
    expect(lines[0]).toBe('"Id","Name","Email","SystemModstamp"');
    expect(lines.slice(1, -1).map((l) => l.split(',')[0].replace(/"/g, ''))).toEqual(
      emu
        .records('Contact')
        .slice(0, 500)
        .map((r) => r.Id),
    );

    const zipped = await rawGet(path, 'gzip');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['sforce-numberofrecords']).toBe('500');
    expect(gunzipSync(await readAll(zipped)).toString('utf8')).toBe(text);

    const rest = emu.records('Contact').length - 500;
    const last = await rawGet(`${V}/jobs/query/${job.id}/results?maxRecords=500&locator=${plain.headers['sforce-locator'] as string}`, 'gzip');
    expect(last.headers['sforce-numberofrecords']).toBe(String(rest));
    expect(last.headers['sforce-locator']).toBe('null');
    expect(
      gunzipSync(await readAll(last))
        .toString('utf8')
        .split('\n'),
    ).toHaveLength(rest + 2);
  });

  it('serves the next request normally after a client hangs up mid-page', async () => {
    const job = await completedContactJob();
    const path = `${V}/jobs/query/${job.id}/results?maxRecords=600`;
    const abandoned = await rawGet(path, 'gzip');
    await once(abandoned, 'data');
    abandoned.destroy();
    const reply = await send('GET', path);
    expect(reply.status).toBe(200);
    expect(reply.text.trimEnd().split('\n')).toHaveLength(emu.records('Contact').length + 1);
  });

  it('refuses what Bulk queries cannot do', async () => {
    const cases: [string, string][] = [
      ['SELECT Id, BillingAddress FROM Account', 'Selecting compound data not supported in Bulk Query'],
      ['SELECT COUNT() FROM Account', 'COUNT()'],
      ['SELECT Id FROM Account LIMIT 5 OFFSET 5', 'OFFSET'],
      ['SELECT Id FROM Lead', "Entity 'Lead' is not supported by the Bulk API."],
      ['SELECT Nope__c FROM Account', 'No such column'],
    ];
    for (const [query, fragment] of cases) {
      const reply = await send('POST', `${V}/jobs/query`, { operation: 'query', query });
      expect(reply.status).toBe(400);
      expect((reply.json() as ErrorBody)[0].message).toContain(fragment);
    }
    const lead = await send('POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Id FROM Lead' });
    expect((lead.json() as ErrorBody)[0].errorCode).toBe('INVALIDENTITY');
  });

  it('aborts, lists and deletes jobs', async () => {
    const job = await createJob('SELECT Id FROM Contact');
    const aborted = await send('PATCH', `${V}/jobs/query/${job.id}`, { state: 'Aborted' });
    expect((aborted.json() as Job).state).toBe('Aborted');
    const list = (await send('GET', `${V}/jobs/query`)).json() as { done: boolean; records: Job[] };
    expect(list.records.map((j) => j.id)).toContain(job.id);
    const deleted = await send('DELETE', `${V}/jobs/query/${job.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await send('GET', `${V}/jobs/query/${job.id}`)).status).toBe(404);
    expect(emu.bulkJobsCreated).toBeGreaterThanOrEqual(3);
  });

  it('answers 409 when results are read with another API version', async () => {
    const job = await createJob('SELECT Id FROM Contact');
    await send('GET', `${V}/jobs/query/${job.id}`);
    await send('GET', `${V}/jobs/query/${job.id}`);
    const reply = await call(emu, `/services/data/v61.0/jobs/query/${job.id}/results`, token);
    expect(reply.status).toBe(409);
  });
});
