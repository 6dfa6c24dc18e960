/**
 * Reads that must survive what huge objects and platforms do to them: Bulk jobs that fail on wide
 * windows (and never carry ORDER BY), a full refresh killed again and again, Bulk reads killed in the
 * middle of a window. The union of what each run committed (records before its last STATE) is the
 * whole object every time.
 *
 * A read killed after N lines has printed exactly the first N lines of what it would have printed
 * (it cannot know it will be killed), so these kills are prefixes of in-process reads: any point can
 * be chosen exactly, where a real kill lands wherever the process happens to be. Real kills of the
 * CLI, mid-line included, are in cli.process.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, idsOf, runConnector, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';

const DAY = 24 * 60 * 60 * 1000;

/** What a read killed after `lines` lines printed: its first `lines` messages. */
function killedAfter(run: { messages: Message[] }, lines: number): { messages: Message[]; states: Message[]; logs: Message[] } {
  const messages = run.messages.slice(0, lines);
  return { messages, states: messages.filter((m) => m.type === 'STATE'), logs: messages.filter((m) => m.type === 'LOG') };
}

/** Ids a killed run committed: its records up to its last STATE (the platform keeps no more). */
function committedIds(run: { messages: Message[]; states: Message[] }, stream: string): string[] {
  const last = run.states.filter((s) => s.state.stream.stream_descriptor.name === stream).at(-1);
  const ids: string[] = [];
  for (const m of run.messages) {
    if (m === last) break;
    if (m.type === 'RECORD' && m.record.stream === stream) ids.push(String(m.record.data.Id));
  }
  return last ? ids : [];
}

/** The orgs here differ in data and failures, not in schema: the first one asked is discovered, once. */
let discovered: Promise<Message> | undefined;
async function catalogOf(org: TestOrg, mode: 'incremental' | 'full_refresh', only: string[]): Promise<Message> {
  discovered ??= runConnector('discover', { config: org.config, env: org.env }).then((run) => run.catalog!);
  return configuredCatalog(await discovered, mode, only);
}

/** Plain HTTP, uncompressed: what is read and resumed here does not depend on the transport. */
const PLAIN = { https: false, gzip: false };
/** The objects no test here reads, left empty: generating them cost more than the reads. */
const UNREAD = { Lead: 0, Opportunity: 0, Case: 0 };

describe('Bulk windows on objects that make jobs fail', () => {
  let org: TestOrg;
  beforeAll(async () => {
    // Jobs fail on windows wider than 240 days (the org's history spans years: seven fail) and on any
    // ORDER BY. The windows are cut by time, not by count: 120 records meet as many failed jobs as thousands.
    org = await startOrg({ ...PLAIN, counts: { ...UNREAD, Account: 120, Contact: 0 }, bulkFailures: { widerThanMs: 240 * DAY, orderByOverRows: 0 } });
  });
  afterAll(() => org.emulator.close());

  it('splits the window of a failed job until the jobs succeed, never sends ORDER BY, and delivers every record once', async () => {
    const config = { ...org.config, read_api: 'bulk' };
    const catalog = await catalogOf(org, 'incremental', ['Account']);
    const read = await runConnector('read', { config, catalog, env: { ...org.env, SOURCE_SALESFORCE_BULK_MIN_WINDOW_MS: String(DAY) } });
    expect(read.exitCode).toBe(0);
    expect(org.emulator.bulkJobsFailed).toBeGreaterThan(2);
    expect(org.emulator.bulkQueries.length).toBeGreaterThan(org.emulator.bulkJobsFailed);
    expect(org.emulator.bulkQueries.filter((q) => /ORDER BY/i.test(q))).toEqual([]);
    const ids = idsOf(read.recordsOf('Account'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(idsOf(org.emulator.records('Account', { includeDeleted: true })).sort());
    expect(read.logs.some((l) => /Bulk job \w+ ended Failed \(QUERY_TIMEOUT.*reading it in two halves/.test(l.log.message))).toBe(true);
    // Each window is one unit: its STATE moves once, after its last page; none claims more than was written.
    const stamps = read.states.map((s) => s.state.stream.stream_state.SystemModstamp).filter(Boolean);
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('reads a window through REST once it is too narrow to split, and says so', async () => {
    const config = { ...org.config, read_api: 'bulk' };
    const catalog = await catalogOf(org, 'incremental', ['Account']);
    const read = await runConnector('read', { config, catalog, env: { ...org.env, SOURCE_SALESFORCE_BULK_MIN_WINDOW_MS: String(10_000 * DAY) } });
    expect(read.exitCode).toBe(0);
    expect(read.logs.some((l) => /reading it through REST instead/.test(l.log.message))).toBe(true);
    expect(idsOf(read.recordsOf('Account')).sort()).toEqual(idsOf(org.emulator.records('Account', { includeDeleted: true })).sort());
  });
});

describe('Bulk jobs that never finish', () => {
  it('gives up on a job still running past the bound, splits its window down to the minimum, then reads through REST', async () => {
    const org = await startOrg({ ...PLAIN, counts: { ...UNREAD, Account: 120, Contact: 0 }, bulkPollsBeforeComplete: 1000 });
    try {
      const config = { ...org.config, read_api: 'bulk' };
      const catalog = await catalogOf(org, 'incremental', ['Account']);
      const env = { ...org.env, SOURCE_SALESFORCE_BULK_JOB_MAX_WAIT_MS: '30', SOURCE_SALESFORCE_BULK_MIN_WINDOW_MS: String(400 * DAY) };
      const read = await runConnector('read', { config, catalog, env });
      expect(read.exitCode).toBe(0);
      const warnings = read.logs.map((l) => l.log.message).filter((m) => /was still InProgress after the longest wait/.test(m));
      expect(warnings.some((m) => /reading it in two halves/.test(m))).toBe(true);
      expect(warnings.some((m) => /reading it through REST instead/.test(m))).toBe(true);
      expect(idsOf(read.recordsOf('Account')).sort()).toEqual(idsOf(org.emulator.records('Account', { includeDeleted: true })).sort());
    } finally {
      await org.emulator.close();
    }
  });
});

describe('Bulk jobs someone aborts', () => {
  it('gives up on an aborted job at its first poll and reads its window through REST', async () => {
    const org = await startOrg({ ...PLAIN, counts: { ...UNREAD, Account: 40, Contact: 0 }, bulkFailures: { abortAll: true } });
    try {
      const config = { ...org.config, read_api: 'bulk' };
      const catalog = await catalogOf(org, 'incremental', ['Account']);
      // A bound of seconds, not the default hour: a job polled until then would say it was still Aborted.
      const env = { ...org.env, SOURCE_SALESFORCE_BULK_JOB_MAX_WAIT_MS: '2000', SOURCE_SALESFORCE_BULK_MIN_WINDOW_MS: String(10_000 * DAY) };
      const read = await runConnector('read', { config, catalog, env });
      expect(read.exitCode).toBe(0);
      expect(read.logs.some((l) => /Bulk job \w+ ended Aborted.*reading it through REST instead/.test(l.log.message))).toBe(true);
      expect(idsOf(read.recordsOf('Account')).sort()).toEqual(idsOf(org.emulator.records('Account', { includeDeleted: true })).sort());
    } finally {
      await org.emulator.close();
    }
  });
});

describe('kills', () => {
  const PAGE = 20;
  let org: TestOrg;
  let all: string[];
  beforeAll(async () => {
    // REST pages of PAGE records: a STATE every PAGE records, so a kill can land between two or inside one page.
    // Six pages of Accounts leave room for two kills and a resumed run that still has pages to read.
    org = await startOrg({ ...PLAIN, counts: { ...UNREAD, Contact: 600, Account: 6 * PAGE }, maxBatchSize: PAGE });
    all = idsOf(org.emulator.records('Contact', { includeDeleted: true })).sort();
  });
  afterAll(() => org.emulator.close());

  it('a full refresh killed twice, inside a page and between pages, resumes each time where it stopped, and the union is complete', async () => {
    const config = { ...org.config, read_api: 'rest' };
    const catalog = await catalogOf(org, 'full_refresh', ['Account']);
    const live = idsOf(org.emulator.records('Account')).sort();
    const seen = new Set<string>();
    let state: Message[] | undefined;
    // Where each run is killed: inside its second page, then right after its third STATE.
    const insideSecondPage = (run: RunResult) => run.messages.indexOf(run.states[0]) + 1 + PAGE / 2;
    const afterThirdState = (run: RunResult) => run.messages.indexOf(run.states[2]) + 1;
    for (const killAt of [insideSecondPage, afterThirdState]) {
      const run = await runConnector('read', { config, catalog, state, env: org.env });
      const killed = killedAfter(run, killAt(run));
      for (const id of committedIds(killed, 'Account')) seen.add(id);
      if (state) expect(killed.logs.some((l) => /resumed where the last run stopped/.test(l.log.message))).toBe(true);
      state = killed.states.length ? stateFrom(killed.states) : state;
      expect(state?.[0].stream.stream_state.full_refresh).toBe('in_progress');
    }
    const last = await runConnector('read', { config, catalog, state, env: org.env });
    for (const id of idsOf(last.recordsOf('Account'))) seen.add(id);
    expect([...seen].sort()).toEqual(live);
    // It did not start over, and its last STATE marks the refresh complete: the next one does.
    expect(last.recordsOf('Account').length).toBeLessThan(live.length);
    expect(last.lastStateOf('Account')!.state.stream.stream_state).toEqual({ full_refresh: 'complete' });
    const again = await runConnector('read', { config, catalog, state: stateFrom(last.states), env: org.env });
    expect(idsOf(again.recordsOf('Account')).sort()).toEqual(live);
  });

  it('a Bulk read killed inside its window resumes from the state before the window, losing nothing', async () => {
    const config = { ...org.config, read_api: 'bulk' };
    const catalog = await catalogOf(org, 'incremental', ['Contact']);
    const kills = [270, 540];
    // A small budget of bytes in flight cuts the window's records into several pages, each written
    // before the next: the state must not move between them.
    const env = { ...org.env, SOURCE_SALESFORCE_MAX_BYTES_IN_FLIGHT: String(300 * 1024) };
    const whole = await runConnector('read', { config, catalog, env });
    expect(whole.recordsOf('Contact')).toHaveLength(all.length);
    for (const [i, killed] of kills.map((lines) => killedAfter(whole, lines)).entries()) {
      // Inside the one window of a first read, no STATE but the initial may claim anything.
      for (const s of killed.states) expect(s.state.stream.stream_state.SystemModstamp).toBeUndefined();
      const resumed = await runConnector('read', { config, catalog, state: killed.states.length ? stateFrom(killed.states) : undefined, env });
      const union = new Set([...committedIds(killed, 'Contact'), ...idsOf(resumed.recordsOf('Contact'))]);
      expect({ kill: kills[i], missing: all.filter((id) => !union.has(id)) }).toEqual({ kill: kills[i], missing: [] });
    }
  });
});
