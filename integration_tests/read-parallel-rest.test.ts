/**
 * One large window read through REST on several connections at once (read_api rest, or an object
 * Bulk refuses): the window is divided by COUNT() into windows of about equal counts, read by as
 * many connections as num_workers leaves free. Every record arrives once, no STATE claims a record
 * not yet written (the state covers the windows read from the start only), timeouts split a window
 * inside its connection, and a read cut anywhere resumes without loss.
 *
 * Cuts are prefixes of in-process reads, as in read-resume.test.ts: a read killed after N lines
 * printed exactly its first N lines.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, idsOf, runConnector, withFields, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';
import type { EmulatorOptions } from './emulator/index.js';

const HOUR = 60 * 60 * 1000;
const PARALLEL = /^Account: reading ([\d,]+) records through (\d+) connections at once, in (\d+) windows of SystemModstamp\.$/;

/** Windows of more than 150 records read at once (the org's pages hold 100). */
const envOf = (org: TestOrg) => ({ ...org.env, SOURCE_SALESFORCE_REST_PARALLEL_MIN_RECORDS: '150' });

/**
 * Orgs of Accounts only (Contacts where asked), over plain HTTP without gzip, each answer 2 ms late:
 * queries on several connections overlap. The tests read a few narrow fields, but for the byte
 * budget's, which selects a long Description.
 */
const orgOf = (counts: EmulatorOptions['counts'], options: EmulatorOptions = {}) =>
  startOrg({
    https: false,
    gzip: false,
    counts: { Contact: 0, Lead: 0, Opportunity: 0, Case: 0, User: 1, ...counts },
    faults: { latencyMs: 2 },
    ...options,
  });
/** Runs `test` on an org of its own (orgOf), closed after it whatever happens. */
async function withOrgOf(counts: EmulatorOptions['counts'], options: EmulatorOptions, test: (org: TestOrg) => Promise<void>): Promise<void> {
  const org = await orgOf(counts, options);
  try {
    await test(org);
  } finally {
    await org.emulator.close();
  }
}
const NARROW = ['Id', 'SystemModstamp', 'IsDeleted'];

// Every org here has the same schema: one discovery serves the file.
let discovered: Message;
const accountCatalog = (mode: 'incremental' | 'full_refresh' = 'incremental', only = ['Account'], fields = NARROW) =>
  withFields(configuredCatalog(discovered, mode, only), fields);

function expectEveryRecordOnce(read: RunResult, org: TestOrg, object = 'Account'): void {
  const ids = idsOf(read.recordsOf(object));
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(idsOf(org.emulator.records(object, { includeDeleted: true })).sort());
}

/**
 * No STATE ahead of what was written: when each Account STATE goes out, every record the org holds
 * before its cursor has been delivered already (records at the cursor itself are read again on
 * resume: the next read starts at the cursor, tie group included).
 */
function expectStatesNeverAhead(messages: Message[], org: TestOrg, atLeast = 2): void {
  const all = org.emulator
    .records('Account', { includeDeleted: true })
    .map((r) => ({ id: String(r.Id), stamp: new Date(String(r.SystemModstamp)).toISOString() }));
  const delivered = new Set<string>();
  let checked = 0;
  for (const m of messages) {
    if (m.type === 'RECORD' && m.record.stream === 'Account') delivered.add(String(m.record.data.Id));
    if (m.type !== 'STATE' || m.state.stream.stream_descriptor.name !== 'Account') continue;
    const cursor = m.state.stream.stream_state.SystemModstamp as string | undefined;
    if (!cursor) continue;
    expect(all.filter((r) => r.stamp < cursor && !delivered.has(r.id)).map((r) => r.id)).toEqual([]);
    checked++;
  }
  expect(checked).toBeGreaterThanOrEqual(atLeast);
}

function parallelLine(read: RunResult): RegExpExecArray {
  const lines = read.logs.map((l) => String(l.log.message)).filter((m) => PARALLEL.test(m));
  expect(lines).toHaveLength(1);
  return PARALLEL.exec(lines[0])!;
}

/** The records of each Account window read at once (its first page's SOQL), counted in the org. */
function windowCounts(org: TestOrg): number[] {
  const stamps = org.emulator.records('Account', { includeDeleted: true }).map((r) => Date.parse(String(r.SystemModstamp)));
  return org.emulator.requests
    .map((r) => r.query ?? '')
    .filter((q) => q.startsWith('SELECT Id,') && q.includes('FROM Account WHERE') && q.includes(' < '))
    .map((q) => {
      const from = /SystemModstamp >= (\S+)/.exec(q)?.[1];
      const to = /SystemModstamp < (\S+)/.exec(q)?.[1];
      // A window after the first page of the whole starts right after its last record.
      const after = /\(SystemModstamp > (\S+) OR/.exec(q)?.[1];
      return stamps.filter((s) => (!from || s >= Date.parse(from)) && (!to || s < Date.parse(to)) && (!after || s > Date.parse(after))).length;
    });
}

/**
 * The most connections the read's streams held at once by their own word: when a stream says how many
 * connections it reads through, each other stream started and not yet complete holds one more.
 */
function connectionsClaimed(read: RunResult): number {
  const running = new Set<string>();
  let most = 0;
  for (const m of read.messages) {
    if (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS') {
      const { stream_descriptor: stream, status } = m.trace.stream_status;
      if (status === 'STARTED') running.add(stream.name);
      if (status === 'COMPLETE' || status === 'INCOMPLETE') running.delete(stream.name);
    }
    const said = m.type === 'LOG' ? /^(\w+): reading [\d,]+ records through (\d+) connections at once/.exec(String(m.log.message)) : null;
    if (said) most = Math.max(most, Number(said[2]) + [...running].filter((name) => name !== said[1]).length);
  }
  return most;
}

describe('a large window read through REST on several connections', () => {
  let org: TestOrg;
  let catalog: Message;
  let read: RunResult;
  let both: RunResult;
  let peakOfBoth: number;
  beforeAll(async () => {
    org = await orgOf({ Account: 400, Contact: 250 }, { maxBatchSize: 100 });
    discovered = (await runConnector('discover', { config: org.config, env: org.env })).catalog!;
    catalog = accountCatalog();
    // Two large streams on three workers first: the emulator's peak only grows.
    const twoStreams = accountCatalog('incremental', ['Account', 'Contact']);
    both = await runConnector('read', { config: { ...org.config, read_api: 'rest', num_workers: 3 }, catalog: twoStreams, env: envOf(org) });
    peakOfBoth = org.emulator.restQueriesPeak;
    read = await runConnector('read', { config: { ...org.config, read_api: 'rest', num_workers: 4 }, catalog, env: envOf(org) });
  });
  afterAll(() => org.emulator.close());

  it('delivers every record once, says so in one line, and keeps to num_workers', () => {
    expect(read.exitCode).toBe(0);
    expectEveryRecordOnce(read, org);
    const [, total, connections, windows] = parallelLine(read);
    expect(total).toBe('300');
    expect(connections).toBe('4');
    expect(Number(windows)).toBeGreaterThanOrEqual(4);
    expect(org.emulator.restQueriesPeak).toBeLessThanOrEqual(4);
    // Windows read at once, not only the COUNT() probes that divided them.
    expect(org.emulator.restRecordQueriesPeak).toBeGreaterThan(1);
    expect(read.statusesOf('Account')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  });

  it('keeps to num_workers across streams: two large streams on three workers', () => {
    expect(both.exitCode).toBe(0);
    expectEveryRecordOnce(both, org, 'Account');
    expectEveryRecordOnce(both, org, 'Contact');
    expect(peakOfBoth).toBeGreaterThan(1);
    expect(peakOfBoth).toBeLessThanOrEqual(3);
    // The emulator sees only the queries that overlapped; the connector's slots must keep to num_workers even when they did not.
    expect(connectionsClaimed(both)).toBeGreaterThan(1);
    expect(connectionsClaimed(both)).toBeLessThanOrEqual(3);
  });

  it('never sends a STATE ahead of the records written, and ends on the newest record', () => {
    expectStatesNeverAhead(read.messages, org);
    const stamps = read.states.map((s) => s.state.stream.stream_state.SystemModstamp).filter(Boolean);
    expect([...stamps].sort()).toEqual(stamps);
    const newest = read
      .recordsOf('Account')
      .map((r) => String(r.SystemModstamp))
      .sort()
      .at(-1);
    expect(stamps.at(-1)).toBe(newest);
  });

  it('shares a small byte budget between the windows read at once while the platform reads slowly, without a stall', async () => {
    // Windows of some 17 Accounts of 12 KB each, one page of 0.2 MiB per window: five connections would
    // hold 0.7 MiB or more at once, and the first page of every window asks for 256 KiB, so the budget
    // of 0.5 MiB holds two pages while a third waits.
    await withOrgOf({ Account: 280 }, { maxBatchSize: 25, longTextChars: 12000 }, async (wideOrg) => {
      const env = { ...envOf(wideOrg), SOURCE_SALESFORCE_MAX_BYTES_IN_FLIGHT: String(512 * 1024) };
      const wide = accountCatalog('incremental', ['Account'], [...NARROW, 'Description']);
      const slow = await runConnector('read', { config: { ...wideOrg.config, read_api: 'rest', num_workers: 5 }, catalog: wide, env, slowReader: true });
      expect(slow.exitCode).toBe(0);
      expectEveryRecordOnce(slow, wideOrg);
      expect(parallelLine(slow)[2]).toBe('5');
      const final = slow.logs.map((l) => String(l.log.message)).find((m) => m.startsWith('Read finished'))!;
      const [, peak, limit] = /at most ([\d.]+) MiB of answers in flight \(budget ([\d.]+) MiB\)/.exec(final)!.map(Number);
      expect(limit).toBe(0.5);
      // The budget was reached, not merely set: more than one window's page was held at once.
      expect(peak).toBeGreaterThanOrEqual(0.25);
      // A page's real size can pass its share by the record that filled it, never by a page.
      expect(peak).toBeLessThanOrEqual(0.6);
    });
  });

  it('splits a window that times out inside its connection, and still delivers every record once', async () => {
    // Once the window is being divided (its first COUNT()), queries of more than 25 rows time out
    // (COUNT() does not): some of the windows of about 38 records do.
    const counts = org.emulator.requests.length;
    const watch = setInterval(() => {
      if (org.emulator.requests.slice(counts).some((r) => r.query?.startsWith('SELECT COUNT()'))) org.emulator.setQueryTimeoutRows(25);
    }, 1);
    try {
      const timedOut = await runConnector('read', { config: { ...org.config, read_api: 'rest', num_workers: 2 }, catalog, env: envOf(org) });
      expect(timedOut.exitCode).toBe(0);
      expectEveryRecordOnce(timedOut, org);
      expect(parallelLine(timedOut)[2]).toBe('2');
      expect(timedOut.logs.some((l) => /^Account: Salesforce timed out on the window from .*; reading it in two halves\.$/.test(l.log.message))).toBe(true);
      expectStatesNeverAhead(timedOut.messages, org);
    } finally {
      clearInterval(watch);
      org.emulator.setQueryTimeoutRows(null);
    }
  });

  it('resumes without loss from a read cut anywhere, incremental or full refresh', async () => {
    for (const mode of ['incremental', 'full_refresh'] as const) {
      // A full refresh reads with query: soft-deleted records are not part of it.
      const all = idsOf(org.emulator.records('Account', { includeDeleted: mode === 'incremental' }));
      const modeCatalog = mode === 'incremental' ? catalog : accountCatalog(mode);
      const config = { ...org.config, read_api: 'rest', num_workers: 4 };
      const whole = mode === 'incremental' ? read : await runConnector('read', { config, catalog: modeCatalog, env: envOf(org) });
      expect(whole.exitCode).toBe(0);
      const cuts = mode === 'incremental' ? [0.4, 0.9] : [0.6];
      for (const at of cuts) {
        const cut = whole.messages.slice(0, Math.floor(whole.messages.length * at));
        const states = cut.filter((m) => m.type === 'STATE');
        // Only what came before the last STATE is committed.
        const last = cut.lastIndexOf(states.at(-1)!);
        const committed = cut
          .slice(0, last)
          .filter((m) => m.type === 'RECORD')
          .map((m) => String(m.record.data.Id));
        expect(committed.length).toBeGreaterThan(0);
        if (mode === 'full_refresh') expect(states.at(-1)!.state.stream.stream_state.full_refresh).toBe('in_progress');
        const resumed = await runConnector('read', { config, catalog: modeCatalog, state: [states.at(-1)!], env: envOf(org) });
        expect(resumed.exitCode).toBe(0);
        const union = new Set([...committed, ...idsOf(resumed.recordsOf('Account'))]);
        expect(all.filter((id) => !union.has(id))).toEqual([]);
      }
    }
  });
});

describe('windows read at once on harder orgs', () => {
  it('balances a skewed org whose object Bulk refuses: most records in two hours, still spread over several connections', async () => {
    await withOrgOf({ Account: 30 }, { maxBatchSize: 100, bulkUnsupportedObjects: ['Account'] }, async (org) => {
      for (let i = 0; i < 300; i++) org.emulator.lateCommit('Account', Math.floor((i * 2 * HOUR) / 300));
      const catalog = accountCatalog();
      const read = await runConnector('read', { config: { ...org.config, read_api: 'bulk', num_workers: 4 }, catalog, env: envOf(org) });
      expect(read.exitCode).toBe(0);
      expectEveryRecordOnce(read, org);
      const messages = read.logs.map((l) => String(l.log.message));
      expect(messages.some((m) => /^Account: Salesforce refused a Bulk job .*read through REST for the rest of this sync\.$/.test(m))).toBe(true);
      const [, total, connections] = parallelLine(read);
      expect([total, connections]).toEqual(['230', '4']);
      expect(org.emulator.restQueriesPeak).toBeGreaterThanOrEqual(3);
      // No window holds more than a quarter of the records: halving by time alone would leave one with most of them.
      const counts = windowCounts(org);
      expect(counts.length).toBeGreaterThanOrEqual(4);
      expect(Math.max(...counts)).toBeLessThanOrEqual(330 / 4);
      expectStatesNeverAhead(read.messages, org);
    });
  });

  it('continues after the last record written when Salesforce drops the query cursor of a window read at once', async () => {
    // Pages of 20 records: the windows read at once take a few pages each.
    await withOrgOf({ Account: 300 }, { maxBatchSize: 20 }, async (org) => {
      const catalog = accountCatalog();
      const seen = org.emulator.requests.length;
      // Every open cursor is dropped when one of the first three next pages of the windows read at once is asked
      // for: windows behind the first unfinished one among them.
      let dropped = 0;
      const watch = setInterval(() => {
        const requests = org.emulator.requests.slice(seen);
        // The first window read at once is the first query with an upper bound; then a next page of one.
        const first = requests.findIndex((r) => / ORDER BY /.test(r.query ?? '') && / < /.test(r.query ?? ''));
        const nextPages = first < 0 ? 0 : requests.slice(first).filter((r) => /\/query(All)?\/[^/]+$/.test(r.path)).length;
        if (dropped < 3 && nextPages > dropped) {
          dropped++;
          org.emulator.expireQueryLocators();
        }
      }, 1);
      try {
        const read = await runConnector('read', { config: { ...org.config, read_api: 'rest', num_workers: 2 }, catalog, env: envOf(org) });
        expect(read.exitCode).toBe(0);
        expect(dropped).toBe(3);
        expect(read.logs.some((l) => /^Account: Salesforce dropped the query cursor; continuing after the last record written\.$/.test(l.log.message))).toBe(
          true,
        );
        parallelLine(read);
        expectEveryRecordOnce(read, org);
        expectStatesNeverAhead(read.messages, org);
      } finally {
        clearInterval(watch);
      }
    });
  });

  it('stops every window when one fails, and the saved state resumes without loss', async () => {
    await withOrgOf({ Account: 400 }, { maxBatchSize: 100 }, async (org) => {
      const catalog = accountCatalog();
      const config = { ...org.config, read_api: 'rest', num_workers: 3 };
      // The page holding the 180th record comes back broken, again and again (one attempt per call here).
      const broken = org.emulator
        .records('Account', { includeDeleted: true })
        .sort((a, b) => String(a.SystemModstamp).localeCompare(String(b.SystemModstamp)) || String(a.Id).localeCompare(String(b.Id)))[180];
      org.emulator.misbehave('query', { kind: 'rewritePage', edits: [{ pattern: `"Id":"${String(broken.Id)}"`, replace: '"Id":}' }] }, Infinity);
      const failed = await runConnector('read', { config, catalog, env: { ...envOf(org), SOURCE_SALESFORCE_ATTEMPTS: '1' } });
      expect(failed.exitCode).not.toBe(0);
      expect(failed.statusesOf('Account').at(-1)).toBe('INCOMPLETE');
      expect(org.emulator.misbehaviourCount('rewritePage')).toBeGreaterThan(0);
      // The other connections took no new window after the failure.
      const windows = Number(parallelLine(failed)[3]);
      const started = org.emulator.requests.filter((r) => /^SELECT Id,.* FROM Account WHERE .*ORDER BY/.test(r.query ?? '')).length;
      expect(started).toBeLessThan(windows);
      expectStatesNeverAhead(failed.messages, org, 0);
      const last = failed.states.at(-1);
      org.emulator.clearMisbehaviours();
      const resumed = await runConnector('read', { config, catalog, state: last ? [last] : undefined, env: envOf(org) });
      expect(resumed.exitCode).toBe(0);
      const committed = failed.messages.slice(0, last ? failed.messages.indexOf(last) : 0).filter((m) => m.type === 'RECORD');
      const union = new Set([...committed.map((m) => String(m.record.data.Id)), ...idsOf(resumed.recordsOf('Account'))]);
      expect(idsOf(org.emulator.records('Account', { includeDeleted: true })).filter((id) => !union.has(id))).toEqual([]);
    });
  });
});
