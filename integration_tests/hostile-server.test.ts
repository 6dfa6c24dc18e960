/**
 * What the network or a hostile server can do, and what the connector does about it (issue 10): each
 * behaviour is played by the emulator over real HTTP(S), and each test states the outcome. No
 * credential reaches another origin or plain http, nothing hangs past its deadline, nothing loops,
 * nothing crashes without a TRACE, and no STATE skips or poisons.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CaptureServer } from './emulator/capture-server.js';
import type { Misbehaviour } from './emulator/misbehaviour.js';
import { idsOf, runConnector, stateFrom, type Message, type RunResult, withFields } from './helpers/connector-runner.js';
import { startDiscoveredOrg, type TestOrg } from './helpers/org.js';
import { nativeImport } from './helpers/native.js';

const { startCaptureServer } = nativeImport<typeof import('./emulator/capture-server.js')>(new URL('./emulator/capture-server.js', import.meta.url));

/** Account's page size: the org holds three pages of Account. */
const PAGE = 20;

let org: TestOrg;
let catalog: Message;
let capture: CaptureServer;
let captureTls: CaptureServer;

beforeAll(async () => {
  // Three pages of Account: enough for a first page, a next one and a last one to misbehave on; the
  // other objects are few (User is read too), so that no read or org start pays for rows no test needs.
  // Answers go uncompressed unless a misbehaviour gzips its own: no test here is about the org's gzip,
  // and every read would pay for it on both ends.
  // A handful of fields: what is proved here is about answers, pages and calls, not columns.
  const discovered = await startDiscoveredOrg({
    maxBatchSize: PAGE,
    counts: { Account: 3 * PAGE, Contact: 5, Lead: 5, Opportunity: 5, Case: 5, User: 10 },
    gzip: false,
  });
  org = discovered.org;
  catalog = withFields(discovered.catalog, ['Id', 'Name', 'SystemModstamp', 'CreatedDate', 'IsDeleted']);
  capture = await startCaptureServer();
  captureTls = await startCaptureServer({ https: true });
});
afterAll(async () => {
  await org.emulator.close();
  await capture.close();
  await captureTls.close();
});
afterEach(() => {
  org.emulator.clearMisbehaviours();
  // Every test here also proves that nothing ever went to the strangers' servers.
  expect([...capture.requests, ...captureTls.requests]).toEqual([]);
});

const only = (...names: string[]) => ({ streams: catalog.streams.filter((s: Message) => names.includes(s.stream.name)) });
// Retries here are the point, not their pacing: the shortest pause between attempts.
const read = (streams: string[], extra: { config?: Record<string, unknown>; env?: Record<string, string>; state?: unknown } = {}) =>
  runConnector('read', {
    config: { ...org.config, read_api: 'rest', ...extra.config },
    catalog: only(...streams),
    env: { ...org.env, SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS: '5', ...extra.env },
    state: extra.state,
  });
const allIds = (object: 'Account' | 'Contact' | 'User') => idsOf(org.emulator.records(object, { includeDeleted: true }));
const errorOf = (result: RunResult, stream: string) => result.errors.find((e) => e.trace.error.stream_descriptor?.name === stream)?.trace.error;

function expectNoLoss(result: RunResult, object: 'Account' | 'Contact' | 'User', also: Record<string, unknown>[] = []) {
  const delivered = new Set(idsOf([...also, ...result.recordsOf(object)]));
  expect(allIds(object).filter((id) => !delivered.has(id))).toEqual([]);
}

describe('answers cut off in transit are fetched again', () => {
  it.each([
    ['a gzip body cut mid-stream', 'queryMore', { kind: 'cutBody', gzip: true }],
    ['a plain body cut short of its Content-Length', 'query', { kind: 'cutBody', gzip: false }],
    ['a reset after part of the body', 'describe', { kind: 'resetAfterPartial' }],
  ] as [string, 'query' | 'queryMore' | 'describe', Misbehaviour][])(
    '%s: the read completes with every record and one WARN per retry',
    async (_what, target, behaviour) => {
      const applied = org.emulator.misbehaviourCount();
      org.emulator.misbehave(target, behaviour, 2);
      const result = await read(['Account']);
      expect(result.exitCode).toBe(0);
      expectNoLoss(result, 'Account');
      expect(org.emulator.misbehaviourCount() - applied).toBe(2);
      expect(result.logs.filter((l) => l.log.level === 'WARN' && /^Retrying a call that failed/.test(l.log.message)).length).toBeGreaterThanOrEqual(1);
      expect(result.logs.at(-1)!.log.message).toMatch(new RegExp(`Account ${3 * PAGE} records/\\d+ calls/2 retries`));
    },
  );

  it.each([
    ['gzip body cut', { kind: 'cutBody', gzip: true }],
    ['reset after part of the body', { kind: 'resetAfterPartial' }],
  ] as [string, Misbehaviour][])('a Bulk result download with a %s resumes it, skipping rows already written', async (_what, behaviour) => {
    const applied = org.emulator.misbehaviourCount();
    org.emulator.misbehave('bulkResults', behaviour, 2);
    // Rows are parsed and written every 512 bytes (the page is some 5 KB), so the half sent before each cut has rows already written.
    const result = await read(['Account'], { config: { read_api: 'bulk' }, env: { SOURCE_SALESFORCE_BULK_CSV_BATCH_BYTES: '512' } });
    expect(result.exitCode).toBe(0);
    expect(org.emulator.misbehaviourCount() - applied).toBe(2);
    // Every record exactly once: a row written before a cut and written again after it is a duplicate here.
    expect(idsOf(result.recordsOf('Account')).sort()).toEqual(allIds('Account').sort());
  });

  it.each([
    // Well formed and a row short of its Sforce-NumberOfRecords, like a body cut where a row ends: fetched
    // again, whole; skipping as many rows as were written would lose the dropped row and repeat the last.
    ['missing a row in its middle', { kind: 'dropCsvRow' }],
    // A row over the count: the whole page downloaded again is shorter than what was written.
    ['with its first row twice', { kind: 'rewriteCsv', edits: [{ pattern: '^([^\\n]*\\n)([^\\n]*\\n)', replace: '$1$2$2' }] }],
  ] as [string, Misbehaviour][])(
    'a Bulk result page %s on its first download fails the stream, never a row: the window is read again next run, the other streams go on',
    async (_what, behaviour) => {
      const applied = org.emulator.misbehaviourCount(behaviour.kind);
      org.emulator.misbehave('bulkResults', behaviour);
      // One stream at a time, Account first: the first result page downloaded is Account's.
      const streams = ['Account', 'Contact'];
      expect(only(...streams).streams.map((s: Message) => s.stream.name)).toEqual(streams);
      const config = { read_api: 'bulk', num_workers: 1 };
      const first = await read(streams, { config });
      expect(org.emulator.misbehaviourCount(behaviour.kind)).toBe(applied + 1);
      expect(errorOf(first, 'Account')).toMatchObject({
        failure_type: 'transient_error',
        message: expect.stringMatching(
          /^Account: A result page of Salesforce's Bulk job 750\w+ for Account changed between two downloads.* the next run reads that window again\.$/,
        ),
      });
      expect(first.statusesOf('Account').at(-1)).toBe('INCOMPLETE');
      // The window is one unit for the state: a STATE for Account would claim the rows it lost.
      expect(first.lastStateOf('Account')).toBeUndefined();
      expect(first.statusesOf('Contact').at(-1)).toBe('COMPLETE');
      expectNoLoss(first, 'Contact');
      const next = await read(streams, { config, state: stateFrom(first.states) });
      expect(next.exitCode).toBe(0);
      expect(idsOf(next.recordsOf('Account')).sort()).toEqual(allIds('Account').sort());
    },
  );
});

describe('redirects are never followed', () => {
  it.each([302, 307] as const)('a %i from the token endpoint to another host fails check with the hostname to fix, and sends it nothing', async (status) => {
    org.emulator.misbehave('token', { kind: 'redirect', status, location: `${captureTls.url}/services/oauth2/token` });
    const result = await runConnector('check', { config: org.config, env: org.env });
    expect(result.connectionStatus?.connectionStatus.status).toBe('FAILED');
    expect(result.connectionStatus?.connectionStatus.message).toMatch(/token endpoint on .* redirected to https:\/\/127\.0\.0\.1:\d+.*My Domain/);
  });

  it('a redirect of the token request to plain http is refused as such', async () => {
    org.emulator.misbehave('token', { kind: 'redirect', status: 307, location: `${capture.url}/services/oauth2/token` });
    const result = await runConnector('check', { config: org.config, env: org.env });
    expect(result.connectionStatus?.connectionStatus.message).toMatch(/redirected a request to plain http \(http:\/\/127\.0\.0\.1:\d+\)/);
  });

  it('a 301 from https to http on the same host keeps the token off plain http', async () => {
    const httpSameHost = org.emulator.url.replace('https://', 'http://');
    org.emulator.misbehave('describe', { kind: 'redirect', status: 301, location: `${httpSameHost}/services/data/v62.0/sobjects/Account/describe` });
    const before = org.emulator.requests.length;
    const result = await read(['Account']);
    expect(result.exitCode).not.toBe(0);
    expect(errorOf(result, 'Account')).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/plain http/) });
    // One request was made (the one redirected), then the stream stopped.
    expect(org.emulator.requests.slice(before).filter((r) => r.path.endsWith('/describe'))).toHaveLength(1);
  });

  it('a cross-host redirect of a query page is refused and its body never becomes records', async () => {
    org.emulator.misbehave('queryMore', { kind: 'redirect', status: 302, location: `${captureTls.url}/services/data/v62.0/query/stolen` });
    const result = await read(['Account', 'User']);
    expect(errorOf(result, 'Account')).toMatchObject({
      failure_type: 'config_error',
      message: expect.stringMatching(/redirected .* to https:\/\/127\.0\.0\.1:\d+; if your org's My Domain changed/),
    });
    expect(result.recordsOf('Account').some((r) => r.Name === 'forged')).toBe(false);
    expect(result.statusesOf('User').at(-1)).toBe('COMPLETE');
  });
});

describe('URLs from the server are parsed against the org, never glued to it', () => {
  const cases = () => [
    ['a path that glues onto the host name', '0/services/data/v62.0/query/x-200', '/0/services/data/v62.0/query/x-200'],
    [
      'user info that turns the org into a user name',
      `@${capture.hostname}/services/data/v62.0/query/x-200`,
      `/@${capture.hostname}/services/data/v62.0/query/x-200`,
    ],
    ['an absolute URL on another host', `${capture.url}/services/data/v62.0/query/x-200`, '/services/data/v62.0/query/x-200'],
    ['a path outside the data API', '/services/oauth2/token', '/services/oauth2/token'],
    ['dot segments out of the data API', '/services/data/v62.0/../../oauth2/token', '/services/oauth2/token'],
  ];
  it.each([0, 1, 2, 3, 4])('refuses next page URL case %i as a system_error naming its path, after a safe STATE', async (index) => {
    const [, url, shown] = cases()[index];
    org.emulator.misbehave('query', { kind: 'nextUrl', url });
    const first = await read(['Account']);
    expect(first.exitCode).not.toBe(0);
    const error = errorOf(first, 'Account')!;
    expect(error.failure_type).toBe('system_error');
    expect(error.message).toContain(shown);
    // The sync's closing TRACE carries the stream's failure_type: the platform retries a transient_error.
    expect(first.errors.at(-1)!.trace.error).toMatchObject({ failure_type: 'system_error', message: expect.stringMatching(/1 of 1 streams did not finish/) });
    expect(first.recordsOf('Account').some((r) => r.Name === 'forged')).toBe(false);
    const resumed = await read(['Account'], { state: stateFrom(first.states) });
    expect(resumed.exitCode).toBe(0);
    expectNoLoss(resumed, 'Account', first.recordsOf('Account'));
  });

  it('refuses a Bulk job id that would move the next calls', async () => {
    org.emulator.misbehave('bulkCreate', { kind: 'jobId', id: '../../sobjects/Account' });
    const before = org.emulator.requests.length;
    const result = await read(['Account'], { config: { read_api: 'bulk' } });
    expect(errorOf(result, 'Account')).toMatchObject({ failure_type: 'system_error', message: expect.stringMatching(/Bulk job id|\.\.\/\.\.\/sobjects/) });
    expect(org.emulator.requests.slice(before).some((r) => /sobjects\/Account$/.test(r.path))).toBe(false);
  });
});

describe('bounds: no hang, no crash, no loop', () => {
  const short = { SOURCE_SALESFORCE_IDLE_TIMEOUT_MS: '150', SOURCE_SALESFORCE_DEADLINE_MS: '400' };

  it('a server that sends headers and then nothing is given up on after the bounded retries', async () => {
    // Two attempts, short pauses between them: the bound is what is tested, not its default size.
    org.emulator.misbehave('describe', { kind: 'stall' }, 2);
    const started = Date.now();
    const result = await read(['Account'], { env: { ...short, SOURCE_SALESFORCE_ATTEMPTS: '2', SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS: '5' } });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(errorOf(result, 'Account')).toMatchObject({ failure_type: 'transient_error', message: expect.stringMatching(/silent/) });
    expect(result.statusesOf('Account')).toEqual(['STARTED', 'INCOMPLETE']);
  });

  it('a slow drip that is never idle is cut at the per-call deadline', async () => {
    org.emulator.misbehave('query', { kind: 'drip', intervalMs: 100 });
    const started = Date.now();
    // Idle never fires here, whatever the machine's load: only the deadline can end it.
    const result = await read(['Account'], { env: { ...short, SOURCE_SALESFORCE_IDLE_TIMEOUT_MS: '5000', SOURCE_SALESFORCE_DEADLINE_MS: '250' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errorOf(result, 'Account')).toMatchObject({ failure_type: 'transient_error', message: expect.stringMatching(/took longer than/) });
  });

  describe('the floor on the transfer rate', () => {
    // Scaled down: 17 bytes per 100 ms of waiting (170 B/s), as 8 KB per two minutes is 68 B/s.
    const floor = { SOURCE_SALESFORCE_SLOW_BODY_WINDOW_MS: '100', SOURCE_SALESFORCE_SLOW_BODY_MIN_BYTES: '17' };
    const retries = (result: RunResult) => result.logs.filter((l) => l.log.level === 'WARN' && /^Retrying a call that failed/.test(l.log.message));

    it('an answer that drips after its headers fails its attempt there and is retried', async () => {
      // Idle never fires here, and the deadline is far: only the floor can end the attempt.
      org.emulator.misbehave('queryMore', { kind: 'drip', intervalMs: 30 });
      const result = await read(['Account'], { env: { ...floor, SOURCE_SALESFORCE_IDLE_TIMEOUT_MS: '60000', SOURCE_SALESFORCE_DEADLINE_MS: '600000' } });
      expect(result.exitCode).toBe(0);
      expectNoLoss(result, 'Account');
      expect(retries(result).map((l) => l.log.message)).toEqual([expect.stringMatching(/fewer than 17 bytes in 100 ms/)]);
    });

    it('a slow but real link is never cut', async () => {
      // 200 bytes every 10 ms: a hundred times the floor, as a link of 7 KB/s is to 68 B/s. A page
      // (some 4 KB) takes two windows, so the floor is judged during each.
      const link: Misbehaviour = { kind: 'slowLink', bytesPerTick: 200, intervalMs: 10 };
      org.emulator.misbehave('query', link);
      org.emulator.misbehave('queryMore', link);
      const applied = org.emulator.misbehaviourCount('slowLink');
      const result = await read(['Account'], { env: floor });
      expect(result.exitCode).toBe(0);
      expectNoLoss(result, 'Account');
      expect(org.emulator.misbehaviourCount('slowLink') - applied).toBe(2);
      expect(retries(result)).toEqual([]);
    });

    it('a platform reading our output slowly does not count against Salesforce', async () => {
      const result = await runConnector('read', {
        config: { ...org.config, read_api: 'bulk' },
        catalog: only('Account'),
        env: { ...org.env, ...floor },
        slowReader: true,
      });
      expect(result.exitCode).toBe(0);
      expectNoLoss(result, 'Account');
      expect(retries(result)).toEqual([]);
    });
  });

  it.each([
    // Three and ten times the cap: the bomb's compressed bytes (about a thousandth) are what the
    // emulator spends its time making, and any size past the cap shows that reading stops there.
    ['a huge body', 'query', { kind: 'hugeBody', bytes: 3_000_000 }],
    ['a gzip bomb', 'queryMore', { kind: 'gzipBomb', bytes: 10_000_000 }],
  ] as [string, 'query' | 'queryMore', Misbehaviour][])(
    '%s ends the stream with a system_error and a TRACE, not a heap abort',
    async (_what, target, behaviour) => {
      org.emulator.misbehave(target, behaviour);
      const result = await read(['Account'], { env: { SOURCE_SALESFORCE_MAX_ANSWER_BYTES: String(1024 * 1024) } });
      expect(result.exitCode).not.toBe(0);
      expect(errorOf(result, 'Account')).toMatchObject({
        failure_type: 'system_error',
        message: expect.stringMatching(/larger than the connector accepts \(1 MB\)/),
      });
    },
  );

  it('a huge Bulk CSV cell ends the stream with a system_error', async () => {
    org.emulator.misbehave('bulkResults', { kind: 'hugeCsvCell', bytes: 1_500_000 });
    const result = await read(['Account'], { config: { read_api: 'bulk' }, env: { SOURCE_SALESFORCE_MAX_CSV_RECORD_BYTES: String(1024 * 1024) } });
    expect(errorOf(result, 'Account')).toMatchObject({ failure_type: 'system_error', message: expect.stringMatching(/CSV record larger/) });
  });

  it('a next page URL that repeats forever stops at the second visit', async () => {
    org.emulator.misbehave('queryMore', { kind: 'repeatNextUrl' }, Infinity);
    const result = await read(['Account']);
    expect(errorOf(result, 'Account')).toMatchObject({ failure_type: 'system_error', message: expect.stringMatching(/already read \(a loop\)/) });
    expect(result.recordsOf('Account').length).toBeLessThanOrEqual(3 * PAGE);
  });

  it('a Bulk locator that repeats stops at the second visit', async () => {
    org.emulator.misbehave('bulkResults', { kind: 'repeatLocator' }, Infinity);
    const result = await read(['Account'], { config: { read_api: 'bulk' } });
    expect(errorOf(result, 'Account')).toMatchObject({ failure_type: 'system_error', message: expect.stringMatching(/locator that was already read/) });
  });
});

describe('paging rules', () => {
  it.each([
    ['done:false without a next URL', 'query', { kind: 'doneWithoutNext' }, /not done without a next page URL/],
    ['a page that does not advance', 'queryMore', { kind: 'emptyNotDone' }, /no records that is not the last/],
    ['more records than totalSize', 'query', { kind: 'totalSize', value: 10 }, /more records .* than the query's totalSize/],
    ['records out of order within a page', 'queryMore', { kind: 'outOfOrder' }, /out of \(SystemModstamp, Id\) order/],
    ['a page older than the one before', 'queryMore', { kind: 'backwardsPage' }, /out of \(SystemModstamp, Id\) order/],
  ] as [string, 'query' | 'queryMore', Misbehaviour, RegExp][])(
    '%s fails the stream (never COMPLETE), and its last STATE resumes without loss',
    async (_what, target, behaviour, message) => {
      org.emulator.misbehave(target, behaviour);
      const first = await read(['Account']);
      expect(errorOf(first, 'Account')).toMatchObject({ failure_type: 'system_error', message: expect.stringMatching(message) });
      expect(first.statusesOf('Account')).not.toContain('COMPLETE');
      const resumed = await read(['Account'], { state: stateFrom(first.states) });
      expect(resumed.exitCode).toBe(0);
      expectNoLoss(resumed, 'Account', first.recordsOf('Account'));
    },
  );
});

describe('the cursor only ever takes valid values', () => {
  it.each([['null'], ['garbage'], [null], [undefined]])(
    'a record with SystemModstamp %j is delivered with null and never becomes the cursor',
    async (value) => {
      org.emulator.misbehave('queryMore', { kind: 'stamp', value, index: PAGE - 1 });
      const result = await read(['Account']);
      expect(result.exitCode).toBe(0);
      expectNoLoss(result, 'Account');
      expect(result.recordsOf('Account').filter((r) => r.SystemModstamp === null)).toHaveLength(1);
      expect(result.logs.some((l) => l.log.level === 'WARN' && /without a valid SystemModstamp/.test(l.log.message))).toBe(true);
      for (const state of result.states) {
        const cursor = state.state.stream.stream_state.SystemModstamp;
        expect(typeof cursor === 'string' && !Number.isNaN(Date.parse(cursor))).toBe(true);
      }
    },
  );

  it('a state saved by an earlier release with a "null" cursor is repaired, not fatal', async () => {
    const newest = org.emulator.records('Account', { includeDeleted: true }).at(-PAGE)!;
    const stamp = new Date(Date.parse(String(newest.SystemModstamp).replace('+0000', 'Z'))).toISOString();
    const state = [
      {
        type: 'STREAM',
        stream: {
          stream_descriptor: { name: 'Account' },
          stream_state: { SystemModstamp: 'null', recently_delivered: { [String(newest.Id)]: stamp, '001000000000002AAA': 'null' } },
        },
      },
    ];
    const result = await read(['Account'], { state });
    expect(result.exitCode).toBe(0);
    expect(result.logs.some((l) => l.log.level === 'WARN' && /is not a date-time \(an earlier release could save one\)/.test(l.log.message))).toBe(true);
    // Read again from the newest valid point the state listed, minus the look-back: the last records at least.
    expect(result.recordsOf('Account').length).toBeGreaterThanOrEqual(PAGE - 1);
    expect(result.lastStateOf('Account')!.state.stream.stream_state.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});

describe('secrets in answers', () => {
  let server: Server;
  let hostname: string;
  const TOKEN = '00D000000000001!AQ' + 'x'.repeat(60) + 'TAIL';
  const ROTATED = 'rotated-refresh-token-' + 'r'.repeat(30);
  const credentials = () => org.config.credentials as Record<string, string>;
  beforeAll(async () => {
    // An org whose error answers echo the tokens, the access token placed so that a 200-character cut falls inside it.
    server = createServer((req, res) => {
      if (req.url === '/services/oauth2/token') {
        // Every grant rotates the refresh token; flows without one ignore it.
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: TOKEN, instance_url: hostname, refresh_token: ROTATED }));
        return;
      }
      res
        .writeHead(400, { 'content-type': 'text/html' })
        .end(`${ROTATED} ${'<p>'.repeat(32)}${TOKEN}</p> and the secret ${encodeURIComponent(credentials().client_secret)}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hostname = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));

  it('are masked before an error body is cut to length', async () => {
    const result = await runConnector('check', { config: { ...org.config, hostname }, secrets: [TOKEN, TOKEN.slice(0, 40)] });
    // The answer is not Salesforce's error shape: a system_error TRACE quoting the start of the body.
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].trace.error.internal_message).toContain('**********');
    expect(JSON.stringify(result.messages)).not.toContain('00D000000000001!AQ');
  });

  it('mask a refresh token Salesforce rotated during the run, as they mask the configured one', async () => {
    const config = { ...org.config, hostname, credentials: { ...credentials(), auth_type: 'refresh_token', refresh_token: 'the-configured-refresh-token' } };
    // The runner fails the run on any secret named here found outside RECORD and CONTROL lines.
    const result = await runConnector('check', { config, secrets: [ROTATED] });
    expect(result.controls.map((c) => c.control.connectorConfig.config.credentials.refresh_token)).toEqual([ROTATED]);
    // The echo reached the output, masked.
    expect(result.errors[0].trace.error.internal_message).toMatch(/: \*{10} <p>/);
  });
});
