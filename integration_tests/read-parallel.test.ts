/**
 * One object read through several connections at once: a Bulk job's result pages downloaded in
 * parallel (Get Parallel Results) when num_workers leaves connections free. Every record arrives
 * once, the window's state moves only once all of it is written, and num_workers bounds the
 * connections across streams and downloads.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, idsOf, runConnector, stateFrom, withFields, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';
import type { EmulatorOptions } from './emulator/index.js';

/**
 * Jobs of more than 300 records are downloaded through several connections (2,000 by default, a page
 * of records): orgs of a few hundred records in result pages of 50 to 100 rows cross it.
 */
const PARALLEL_MIN_RECORDS = 300;
const envOf = (org: TestOrg, extra: NodeJS.ProcessEnv = {}) => ({
  ...org.env,
  SOURCE_SALESFORCE_BULK_PARALLEL_MIN_RECORDS: String(PARALLEL_MIN_RECORDS),
  ...extra,
});

/**
 * Orgs of Accounts only (Contacts where asked), over plain HTTP without gzip: what is tested is the
 * downloads, not TLS or compression, which cost CPU. Every Description holds 4,000 characters: the
 * byte budget's tests select it, so that a few hundred records fill pages of 256 KiB and outgrow a
 * budget of 1 MiB; the others read a few narrow fields.
 */
const orgOf = (counts: EmulatorOptions['counts'], options: EmulatorOptions) =>
  startOrg({ https: false, gzip: false, longTextChars: 4000, counts: { Contact: 0, Lead: 0, Opportunity: 0, Case: 0, User: 1, ...counts }, ...options });
const NARROW = ['Id', 'SystemModstamp', 'IsDeleted'];
const WIDE = [...NARROW, 'Description'];

const resultPagesCalls = (org: TestOrg) => org.emulator.requests.filter((r) => r.path.endsWith('/resultPages')).length;

function expectEveryRecordOnce(read: RunResult, org: TestOrg, object: string): void {
  const ids = idsOf(read.recordsOf(object));
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(idsOf(org.emulator.records(object, { includeDeleted: true })).sort());
}

/** The newest SystemModstamp among the Account records a read delivered: where its state must end. */
const newestStamp = (read: RunResult) =>
  read
    .recordsOf('Account')
    .map((r) => String(r.SystemModstamp))
    .sort()
    .at(-1);

// Every org here has the same schema: one discovery serves the file.
let org: TestOrg;
let discovered: Message;
let catalog: Message;
let wide: Message;
beforeAll(async () => {
  // Result pages of 50 rows, each answered 5 ms late: downloads overlap whenever several run.
  org = await orgOf({ Account: 600, Contact: 250 }, { bulkResultPageRows: 50, faults: { latencyMs: 5 } });
  discovered = (await runConnector('discover', { config: org.config, env: org.env })).catalog!;
  catalog = withFields(configuredCatalog(discovered, 'incremental', ['Account']), NARROW);
  wide = withFields(configuredCatalog(discovered, 'incremental', ['Account']), WIDE);
});
afterAll(() => org.emulator.close());

describe('a Bulk job read through several connections', () => {
  let both: Message;
  beforeAll(() => {
    // Contact stays under the threshold and outlasts Account's job: only Account would download at once.
    both = withFields(configuredCatalog(discovered, 'incremental', ['Account', 'Contact']), NARROW);
  });

  it('downloads the result pages at once, delivers every record once, and moves the state only after the whole window', async () => {
    const before = org.emulator.bulkDownloadsPeak;
    const read = await runConnector('read', { config: { ...org.config, read_api: 'bulk', num_workers: 6 }, catalog, env: envOf(org) });
    expect(read.exitCode).toBe(0);
    expectEveryRecordOnce(read, org, 'Account');
    expect(resultPagesCalls(org)).toBeGreaterThan(1);
    expect(read.logs.some((l) => /Account: downloading the \d+ records of Bulk job \w+ through up to 5 connections at once\./.test(l.log.message))).toBe(true);
    // Five downloads per job by default, within num_workers.
    expect(org.emulator.bulkDownloadsPeak).toBeGreaterThan(Math.max(1, before));
    expect(org.emulator.bulkDownloadsPeak).toBeLessThanOrEqual(5);
    const stamps = read.states.map((s) => s.state.stream.stream_state.SystemModstamp);
    // Only the last STATE of the window claims it: the ones before carry the state from before the window (none).
    expect(stamps.slice(0, -1).every((s) => s === undefined)).toBe(true);
    expect(stamps.at(-1)).toBe(newestStamp(read));
    expect(read.statusesOf('Account')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  });

  it('keeps to num_workers: two streams on two workers leave no connection for parallel downloads', async () => {
    const calls = resultPagesCalls(org);
    const read = await runConnector('read', { config: { ...org.config, read_api: 'bulk', num_workers: 2 }, catalog: both, env: envOf(org) });
    expect(read.exitCode).toBe(0);
    expectEveryRecordOnce(read, org, 'Account');
    expectEveryRecordOnce(read, org, 'Contact');
    expect(resultPagesCalls(org)).toBe(calls);
  });

  it('reads through one connection with num_workers 1', async () => {
    const calls = resultPagesCalls(org);
    const read = await runConnector('read', { config: { ...org.config, read_api: 'bulk', num_workers: 1 }, catalog, env: envOf(org) });
    expect(read.exitCode).toBe(0);
    expectEveryRecordOnce(read, org, 'Account');
    expect(resultPagesCalls(org)).toBe(calls);
  });

  it('shares a small byte budget across the downloads, and fetches a page again when its download breaks off', async () => {
    org.emulator.misbehave('bulkResults', { kind: 'resetAfterPartial' }, 3);
    const env = envOf(org, { SOURCE_SALESFORCE_MAX_BYTES_IN_FLIGHT: String(400_000) });
    const read = await runConnector('read', { config: { ...org.config, read_api: 'bulk', num_workers: 4 }, catalog: wide, env });
    expect(read.exitCode).toBe(0);
    expect(org.emulator.misbehaviourCount('resetAfterPartial')).toBe(3);
    expectEveryRecordOnce(read, org, 'Account');
    const final = read.logs.map((l) => String(l.log.message)).find((m) => m.startsWith('Read finished'));
    expect(final).toMatch(/budget 0\.4 MiB/);
  });

  it('holds no more than the shared byte budget across the downloads while the platform reads slowly', async () => {
    const budget = 1024 * 1024;
    const env = envOf(org, { SOURCE_SALESFORCE_MAX_BYTES_IN_FLIGHT: String(budget) });
    const read = await runConnector('read', { config: { ...org.config, read_api: 'bulk', num_workers: 6 }, catalog: wide, env, slowReader: true });
    expect(read.exitCode).toBe(0);
    expectEveryRecordOnce(read, org, 'Account');
    expect(read.logs.some((l) => /through up to 5 connections at once/.test(l.log.message))).toBe(true);
    const final = read.logs.map((l) => String(l.log.message)).find((m) => m.startsWith('Read finished'))!;
    const [, peak, limit] = /at most ([\d.]+) MiB of answers in flight \(budget ([\d.]+) MiB\)/.exec(final)!.map(Number);
    expect(limit).toBe(1);
    expect(peak).toBeGreaterThan(0);
    // A page's real size can pass its share by the record that filled it, never by a page.
    expect(peak).toBeLessThanOrEqual(1.2);
  });

  it('fails the window when one download fails after others were read, and a resumed read re-reads it whole', async () => {
    // The first six result pages come whole; the seventh holds a row over the size limit, which no retry changes.
    org.emulator.misbehave('bulkResults', { kind: 'slowLink', bytesPerTick: 64 * 1024, intervalMs: 1 }, 6);
    org.emulator.misbehave('bulkResults', { kind: 'hugeCsvCell', bytes: 300_000 });
    const config = { ...org.config, read_api: 'bulk', num_workers: 6 };
    const env = envOf(org, { SOURCE_SALESFORCE_MAX_BYTES_IN_FLIGHT: String(400_000), SOURCE_SALESFORCE_MAX_CSV_RECORD_BYTES: String(200_000) });
    const failed = await runConnector('read', { config, catalog: wide, env });
    expect(failed.exitCode).not.toBe(0);
    expect(org.emulator.misbehaviourCount('hugeCsvCell')).toBe(1);
    expect(failed.statusesOf('Account').at(-1)).toBe('INCOMPLETE');
    const written = idsOf(failed.recordsOf('Account'));
    expect(written.length).toBeGreaterThan(0);
    expect(new Set(written).size).toBe(written.length);
    // Pages of other downloads were written, but the window is one unit: no state claims any of it.
    for (const s of failed.states) expect(s.state.stream.stream_state.SystemModstamp).toBeUndefined();
    const resumed = await runConnector('read', {
      config,
      catalog,
      state: failed.states.length ? stateFrom(failed.states) : undefined,
      env: envOf(org),
    });
    expect(resumed.exitCode).toBe(0);
    expectEveryRecordOnce(resumed, org, 'Account');
  });
});

describe('an org that refuses Get Parallel Results', () => {
  it('reads each job through the Sforce-Locator chain instead, asks once per read, and says so once', async () => {
    // Jobs over more than 500 days fail (QUERY_TIMEOUT): the history of 2.5 years is read in several jobs, each over the threshold.
    const DAY = 24 * 60 * 60 * 1000;
    const refusing = await orgOf(
      { Account: 1000 },
      { bulkResultPageRows: 100, bulkResultPages: false, bulkFailures: { widerThanMs: 500 * DAY }, faults: { latencyMs: 5 } },
    );
    try {
      const read = await runConnector('read', { config: { ...refusing.config, read_api: 'bulk', num_workers: 6 }, catalog, env: envOf(refusing) });
      expect(read.exitCode).toBe(0);
      expectEveryRecordOnce(read, refusing, 'Account');
      const refused = refusing.emulator.requests.filter((r) => r.path.endsWith('/resultPages'));
      expect(refused.map((r) => r.status)).toEqual([404]);
      const succeeded = refusing.emulator.bulkJobsCreated - refusing.emulator.bulkJobsFailed;
      expect(succeeded).toBeGreaterThan(1);
      const warnings = read.logs.filter((l) => /refused Get Parallel Results/.test(l.log.message));
      expect(warnings.map((l) => l.log.level)).toEqual(['WARN']);
      expect(warnings[0].log.message).toMatch(
        /^Account: Salesforce refused Get Parallel Results for Bulk job \w+ \(404 NOT_FOUND\), so Bulk results are downloaded one page after another/,
      );
      expect(read.logs.some((l) => /connections at once/.test(l.log.message))).toBe(false);
      // Each window's state moves after its last page, never backwards, and ends at the newest record.
      const stamps = read.states.map((s) => s.state.stream.stream_state.SystemModstamp).filter(Boolean);
      expect([...stamps].sort()).toEqual(stamps);
      expect(stamps.at(-1)).toBe(newestStamp(read));
      expect(read.statusesOf('Account')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    } finally {
      await refusing.emulator.close();
    }
  });
});

describe('the API budget during parallel downloads', () => {
  it('stops every download once the budget is spent, and the saved state resumes without loss', async () => {
    // 20 calls a day, half of them for this sync: describe, job, poll and resultPages leave six for 12 result pages.
    const options = { bulkResultPageRows: 50, faults: { latencyMs: 5 } };
    const limited = await orgOf({ Account: 600 }, { ...options, dailyApiLimit: 20 });
    const fresh = await orgOf({ Account: 600 }, options);
    try {
      const config = { read_api: 'bulk', num_workers: 6, api_budget_percent: 50 };
      // A small budget makes pages of some 60 records, so pages are written before the stop.
      const env = envOf(limited, { SOURCE_SALESFORCE_MAX_BYTES_IN_FLIGHT: String(400_000) });
      const stopped = await runConnector('read', { config: { ...limited.config, ...config }, catalog: wide, env });
      expect(stopped.exitCode).not.toBe(0);
      expect(stopped.errors.at(-1)!.trace.error.message).toMatch(/exceeds api_budget_percent \(50%\)/);
      expect(stopped.statusesOf('Account').at(-1)).toBe('INCOMPLETE');
      expect(limited.emulator.requests.some((r) => r.path.endsWith('/resultPages'))).toBe(true);
      // Stopped inside its one window, some of it written: no state claims any of it.
      expect(stopped.recordsOf('Account').length).toBeGreaterThan(0);
      for (const s of stopped.states) expect(s.state.stream.stream_state.SystemModstamp).toBeUndefined();
      const state = stopped.states.length ? stateFrom(stopped.states) : undefined;
      const resumed = await runConnector('read', { config: { ...fresh.config, ...config }, catalog, state, env: envOf(fresh) });
      expect(resumed.exitCode).toBe(0);
      const union = new Set([...idsOf(stopped.recordsOf('Account')), ...idsOf(resumed.recordsOf('Account'))]);
      expect(idsOf(fresh.emulator.records('Account', { includeDeleted: true })).filter((id) => !union.has(id))).toEqual([]);
    } finally {
      await Promise.all([limited.emulator.close(), fresh.emulator.close()]);
    }
  });
});
