/**
 * Hard deletes: records purged from the Recycle Bin or hard-deleted through the API never reach
 * queryAll; the incremental read lists them through Get Deleted and delivers deletion records.
 * Time is controlled through the state's deletions_through and the deletion times the emulator logs.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { EmulatorOptions } from './emulator/index.js';
import { configuredCatalog, runConnector, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';

const MINUTE = 60_000;
/** An org of Accounts alone, over plain HTTP without gzip: these tests are about time and deletions. */
const ORG: EmulatorOptions = { objects: ['Account'], counts: { Account: 30 }, https: false, gzip: false };
let org: TestOrg | undefined;
let discovered: Message;
afterEach(async () => {
  await org?.emulator.close();
  org = undefined;
});

// The schema is the same whatever a test's org then does with time and deletions: discovered once.
beforeAll(async () => {
  const first = await startOrg(ORG, { objects: ['Account'] });
  discovered = (await runConnector('discover', { config: first.config, env: first.env })).catalog!;
  await first.emulator.close();
});

async function accountsOrg(options: EmulatorOptions = {}, mode: 'incremental' | 'full_refresh' = 'incremental'): Promise<{ org: TestOrg; catalog: Message }> {
  org = await startOrg({ ...ORG, ...options }, { objects: ['Account'] });
  return { org, catalog: configuredCatalog(discovered, mode) };
}

const ago = (ms: number) => Date.now() - ms;
const iso = (ms: number) => new Date(ms).toISOString();
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
const accountState = (run: RunResult) => run.lastStateOf('Account')!.state.stream.stream_state;
const getDeletedCalls = (o: TestOrg) => o.emulator.requests.filter((r) => /\/sobjects\/Account\/deleted\/?$/.test(r.path));

/** The first run's state, with its deletions read through `through` instead of when the first read started. */
function stateReadThrough(first: RunResult, through: number): Message[] {
  const [state] = stateFrom(first.states);
  return [{ ...state, stream: { ...state.stream, stream_state: { ...state.stream.stream_state, deletions_through: iso(through) } } }];
}

describe('hard deletes', () => {
  it('reach the next incremental read as deletion records, without moving its cursor', async () => {
    const { org, catalog } = await accountsOrg();
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(first.exitCode).toBe(0);
    expect(getDeletedCalls(org)).toHaveLength(0); // the first read lists nothing deleted before it started
    const started = Date.parse(accountState(first).deletions_through);
    expect(Math.abs(started - Date.now())).toBeLessThan(MINUTE);

    const [hard, purged, kept] = org.emulator.records('Account').map((r) => String(r.Id));
    const hardAt = floorMinute(ago(10 * MINUTE)) + 7_000;
    const purgedAt = floorMinute(ago(5 * MINUTE)) + 1_000;
    org.emulator.hardDelete('Account', hard, hardAt);
    org.emulator.purge('Account', purged, purgedAt);
    expect(org.emulator.records('Account', { includeDeleted: true }).map((r) => r.Id)).not.toContain(hard);
    expect(org.emulator.records('Account', { includeDeleted: true }).map((r) => r.Id)).not.toContain(purged);

    const second = await runConnector('read', { config: org.config, catalog, state: stateReadThrough(first, ago(30 * MINUTE)), env: org.env });
    expect(second.exitCode).toBe(0);
    expect(second.recordsOf('Account')).toEqual([
      { Id: hard, IsDeleted: true, SystemModstamp: iso(hardAt), _ab_cdc_deleted_at: iso(hardAt) },
      { Id: purged, IsDeleted: true, SystemModstamp: iso(purgedAt), _ab_cdc_deleted_at: iso(purgedAt) },
    ]);
    expect(second.recordsOf('Account').map((r) => r.Id)).not.toContain(kept);
    const state = accountState(second);
    // Deletions are later than every record, yet the cursor stays where the records left it.
    expect(state.SystemModstamp).toBe(accountState(first).SystemModstamp);
    expect(Date.parse(state.deletions_through)).toBe(floorMinute(Date.parse(state.deletions_through)));
    expect(Date.now() - Date.parse(state.deletions_through)).toBeLessThan(2 * MINUTE);
    expect(getDeletedCalls(org)).toHaveLength(1);

    // The discovered schema declares the field deletion records carry.
    const stream = catalog.streams[0].stream;
    expect(stream.json_schema.properties._ab_cdc_deleted_at).toEqual({
      type: ['null', 'string'],
      format: 'date-time',
      airbyte_type: 'timestamp_with_timezone',
    });
  });

  it('move deletions_through only with the last part of a window read in parts, so a read stopped between parts lists the rest again', async () => {
    const { org, catalog } = await accountsOrg();
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    const deleted = org.emulator
      .records('Account')
      .slice(0, 5)
      .map((r) => String(r.Id));
    deleted.forEach((id, i) => org.emulator.hardDelete('Account', id, floorMinute(ago(10 * MINUTE)) + i * 1000));
    const state = stateReadThrough(first, ago(30 * MINUTE));
    const env = { ...org.env, SOURCE_SALESFORCE_DELETIONS_PER_CHECKPOINT: '2' };
    const second = await runConnector('read', { config: org.config, catalog, state, env });
    expect(second.exitCode).toBe(0);
    // In the order written: after each record, where a stop there would have left deletions_through.
    const savedFrom = state[0].stream.stream_state.deletions_through;
    let through = savedFrom;
    const seen: [unknown, string][] = [];
    for (const message of second.messages) {
      if (message.type === 'STATE') through = message.state.stream.stream_state.deletions_through;
      if (message.type === 'RECORD') seen.push([message.record.data.Id, through]);
    }
    expect(seen).toEqual(deleted.map((id) => [id, savedFrom]));
    expect(accountState(second).deletions_through).not.toBe(savedFrom);
    // Three parts of at most two, each with its checkpoint.
    expect(second.states.length).toBeGreaterThanOrEqual(3);
  });

  it('warns, naming the stream and the gap, when the state is older than what Salesforce keeps, and reads what is kept', async () => {
    const { org, catalog } = await accountsOrg();
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    const id = String(org.emulator.records('Account')[0].Id);
    const deletedAt = floorMinute(ago(3 * 86_400_000));
    org.emulator.hardDelete('Account', id, deletedAt);
    const saved = ago(20 * 86_400_000);
    const second = await runConnector('read', { config: org.config, catalog, state: stateReadThrough(first, saved), env: org.env });
    expect(second.exitCode).toBe(0);
    const warnings = second.logs.filter((l) => l.log.level === 'WARN').map((l) => l.log.message);
    expect(warnings).toEqual([expect.stringContaining(`Account: deletions between ${iso(floorMinute(saved))} and `)]);
    expect(warnings[0]).toMatch(/could not be read .* run a full refresh of Account/);
    expect(second.recordsOf('Account').map((r) => r.Id)).toEqual([id]);
  });

  it('warns and reads from what is left when the Recycle Bin was emptied since the last read', async () => {
    const { org, catalog } = await accountsOrg();
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    const [lost, found] = org.emulator.records('Account').map((r) => String(r.Id));
    org.emulator.hardDelete('Account', lost, ago(50 * MINUTE));
    const emptied = floorMinute(ago(30 * MINUTE));
    org.emulator.emptyRecycleBin('Account', emptied);
    org.emulator.hardDelete('Account', found, ago(10 * MINUTE));
    const second = await runConnector('read', { config: org.config, catalog, state: stateReadThrough(first, ago(60 * MINUTE)), env: org.env });
    expect(second.exitCode).toBe(0);
    const warnings = second.logs.filter((l) => l.log.level === 'WARN').map((l) => l.log.message);
    expect(warnings).toEqual([expect.stringContaining(` and ${iso(emptied)} could not be read`)]);
    expect(second.recordsOf('Account').map((r) => r.Id)).toEqual([found]);
    // Refused once, asked what is kept, then read from there.
    expect(getDeletedCalls(org).map((r) => r.status)).toEqual([400, 200, 200]);
  });

  it('reads in shorter windows while Salesforce finds more ids than it lists at once', async () => {
    const { org, catalog } = await accountsOrg({ deletedIdLimit: 2 });
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    const ids = org.emulator
      .records('Account')
      .slice(0, 5)
      .map((r) => String(r.Id));
    ids.forEach((id, i) => org.emulator.hardDelete('Account', id, ago((50 - 10 * i) * MINUTE)));
    const second = await runConnector('read', { config: org.config, catalog, state: stateReadThrough(first, ago(60 * MINUTE)), env: org.env });
    expect(second.exitCode).toBe(0);
    expect(second.recordsOf('Account').map((r) => r.Id)).toEqual(ids);
    expect(second.logs.some((l) => /than Salesforce lists at once; reading them in shorter windows/.test(l.log.message))).toBe(true);
    const calls = getDeletedCalls(org);
    expect(calls.filter((c) => c.status === 400).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status === 200).length).toBeGreaterThan(1);
  });

  it('keeps its position at what Salesforce covered, so deletes still being written arrive next time', async () => {
    const { org, catalog } = await accountsOrg();
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    const [early, late] = org.emulator.records('Account').map((r) => String(r.Id));
    org.emulator.hardDelete('Account', early, ago(40 * MINUTE));
    org.emulator.hardDelete('Account', late, ago(5 * MINUTE));
    org.emulator.setDeleteLogLagMs(20 * MINUTE);
    const second = await runConnector('read', { config: org.config, catalog, state: stateReadThrough(first, ago(60 * MINUTE)), env: org.env });
    expect(second.exitCode).toBe(0);
    expect(second.recordsOf('Account').map((r) => r.Id)).toEqual([early]);
    expect(Date.parse(accountState(second).deletions_through)).toBeLessThan(ago(19 * MINUTE));
    org.emulator.setDeleteLogLagMs(0);
    const third = await runConnector('read', { config: org.config, catalog, state: stateFrom(second.states), env: org.env });
    expect(third.recordsOf('Account').map((r) => r.Id)).toEqual([late]);
  });

  it('skips an object that refuses Get Deleted, saying so once, and keeps no position for it', async () => {
    const { org, catalog } = await accountsOrg({ getDeletedUnsupportedObjects: ['Account'] });
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    org.emulator.hardDelete('Account', String(org.emulator.records('Account')[0].Id), ago(10 * MINUTE));
    const second = await runConnector('read', { config: org.config, catalog, state: stateReadThrough(first, ago(60 * MINUTE)), env: org.env });
    expect(second.exitCode).toBe(0);
    expect(second.statusesOf('Account')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(second.recordsOf('Account')).toEqual([]);
    const notes = second.logs.filter((l) => /does not list deleted records/.test(l.log.message));
    expect(notes.map((l) => l.log.level)).toEqual(['INFO']);
    expect(accountState(second).deletions_through).toBeUndefined();
    expect(getDeletedCalls(org)).toHaveLength(1);
  });

  it('are not asked for in a full refresh', async () => {
    const { org, catalog } = await accountsOrg({}, 'full_refresh');
    const run = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(run.exitCode).toBe(0);
    expect(getDeletedCalls(org)).toHaveLength(0);
    expect(run.recordsOf('Account').every((r) => !('_ab_cdc_deleted_at' in r))).toBe(true);
  });

  // Salesforce stamps deletions with its own clock: every position compared with those stamps comes from its answers.
  it.each([
    ['behind', -10 * MINUTE],
    ['ahead of', 10 * MINUTE],
  ])("are each reported once, by the next read or the one after, when the org's clock runs 10 minutes %s ours", async (_way, aheadMs) => {
    const { org, catalog } = await accountsOrg({ clockAheadMs: aheadMs });
    const ids = org.emulator.records('Account').map((r) => String(r.Id));
    const deleteSome = (n: number) => ids.splice(0, n).map((id) => (org.emulator.hardDelete('Account', id), id));
    const minutesPass = (() => {
      let ahead = aheadMs;
      return (n: number) => org.emulator.setClockAheadMs((ahead += n * MINUTE));
    })();
    const deletionsOf = (run: RunResult) => run.recordsOf('Account').filter((r) => r._ab_cdc_deleted_at !== undefined);

    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(first.exitCode).toBe(0);
    // Where deletions start is a time the org has reached, not one in its future.
    expect(Date.parse(accountState(first).deletions_through)).toBeLessThanOrEqual(org.emulator.orgNow());
    const deleted = deleteSome(3); // right after the read
    minutesPass(3);
    deleted.push(...deleteSome(3));
    const second = await runConnector('read', { config: org.config, catalog, state: stateFrom(first.states), env: org.env });
    expect(second.exitCode).toBe(0);
    deleted.push(...deleteSome(3)); // right after the second read, in the minute it stopped at
    minutesPass(3);
    const third = await runConnector('read', { config: org.config, catalog, state: stateFrom(second.states), env: org.env });
    expect(third.exitCode).toBe(0);

    const reported = [...deletionsOf(second), ...deletionsOf(third)].map((r) => String(r.Id));
    expect([...reported].sort()).toEqual([...deleted].sort());
    expect(deletionsOf(first)).toEqual([]);
    expect(Date.parse(accountState(third).deletions_through)).toBeLessThanOrEqual(org.emulator.orgNow());
  });
});
