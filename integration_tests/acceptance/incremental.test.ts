/**
 * Acceptance: incremental. Two sequential reads (the second from the first's last state per stream),
 * reads resumed from every intermediate checkpoint, an abnormally large state, and changes made
 * between two reads. The org is small and paged 20 rows at a time: Contact's 60 rows, all inside its
 * one tie group, make three checkpoints, every other stream fits one page, and each read resumed from
 * a checkpoint goes through at most the org's 113 records. Over plain HTTP without gzip: what these reads
 * prove is the state, and each of the many runs here paid a TLS handshake and compression for nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector, stateFrom, type Message, type RunResult } from '../helpers/connector-runner.js';
import { acceptanceConfig, readJson, startAcceptanceOrg, type AcceptanceOrg, type Json } from './support/fixtures.js';

const { tests } = acceptanceConfig().acceptance_tests.incremental;
const LOOKBACK_MS = 5 * 60 * 1000;
const PAGE = 20;
const ORG = { maxBatchSize: PAGE, https: false, gzip: false, counts: { Account: 12, Contact: 60, Lead: 12, Opportunity: 12, Case: 12, User: 5 } };

/** The configured streams that support incremental, in incremental mode. */
function incrementalOnly(configured: Json): Json {
  return {
    streams: configured.streams
      .filter((s: Json) => s.stream.supported_sync_modes.includes('incremental'))
      .map((s: Json) => ({ ...s, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' })),
  };
}

/** The --state input for "resume after message `index`": each stream's latest state up to it. */
function stateUpTo(messages: Message[], index: number): Json[] {
  return stateFrom(messages.slice(0, index + 1).filter((m) => m.type === 'STATE'));
}

const recordKeys = (messages: Message[]) => messages.filter((m) => m.type === 'RECORD').map((m) => `${m.record.stream}/${m.record.data.Id}`);

describe.each(tests)('acceptance: incremental with $configured_catalog_path', (test) => {
  let org: AcceptanceOrg;
  let catalog: Json;
  let config: Json;
  let first: RunResult;

  beforeAll(async () => {
    org = await startAcceptanceOrg(ORG);
    config = org.config(test.config_path);
    catalog = incrementalOnly(readJson(test.configured_catalog_path));
    first = await runConnector('read', { config, catalog, env: org.env });
  });
  afterAll(() => org.close());

  it('configures only streams that have a cursor', () => {
    expect(catalog.streams.length).toBeGreaterThan(0);
    for (const s of catalog.streams) {
      const cursor = s.cursor_field?.length ? s.cursor_field : s.stream.default_cursor_field;
      expect({ stream: s.stream.name, cursor }).toEqual({ stream: s.stream.name, cursor: ['SystemModstamp'] });
    }
  });

  it('emits states and records on the first read, and several checkpoints for streams longer than a page', () => {
    expect(first.errors).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(first.states.length).toBeGreaterThan(0);
    expect(first.records.length).toBeGreaterThan(0);
    const contactStates = first.states.filter((m) => m.state.stream.stream_descriptor.name === 'Contact');
    expect(contactStates.length).toBeGreaterThanOrEqual(Math.ceil(first.recordsOf('Contact').length / PAGE));
  });

  it('keeps every cursor at the newest SystemModstamp delivered, never moving backwards', () => {
    for (const s of catalog.streams) {
      const name = s.stream.name;
      const cursors = first.states
        .filter((m) => m.state.stream.stream_descriptor.name === name)
        .map((m) => Date.parse(m.state.stream.stream_state.SystemModstamp));
      expect(cursors.every((c, i) => i === 0 || c >= cursors[i - 1])).toBe(true);
      const newest = Math.max(...first.recordsOf(name).map((r) => Date.parse(r.SystemModstamp)));
      expect({ name, cursor: cursors.at(-1) }).toEqual({ name, cursor: newest });
    }
  });

  it('returns different records on a second read started from the last state of each stream', async () => {
    const state = stateFrom(first.states).map((s) => ({
      type: 'STREAM',
      stream: { stream_descriptor: s.stream.stream_descriptor, stream_state: s.stream.stream_state },
    }));
    const second = await runConnector('read', { config, catalog, state, env: org.env });
    expect(second.errors).toEqual([]);
    expect(second.states.length).toBeGreaterThan(0);
    expect(recordKeys(second.messages).sort()).not.toEqual(recordKeys(first.messages).sort());
    // Only the late-commit look-back window before each cursor is read again.
    for (const s of state) {
      const name = s.stream.stream_descriptor.name;
      const from = Date.parse(s.stream.stream_state.SystemModstamp) - LOOKBACK_MS;
      const early = second.recordsOf(name).filter((r) => Date.parse(r.SystemModstamp) < from);
      expect({ name, early: early.length }).toEqual({ name, early: 0 });
    }
  });

  it('returns from every intermediate checkpoint at least the records counted after it, and every record not yet delivered', async () => {
    const messages = first.messages;
    const stateIndexes = messages.map((m, i) => (m.type === 'STATE' ? i : -1)).filter((i) => i >= 0);
    // Deduplicate checkpoints with the same content; a duplicate's records count after its last copy.
    const key = (i: number) => `${messages[i].state.stream.stream_descriptor.name} ${JSON.stringify(messages[i].state.stream.stream_state)}`;
    const lastCopy = new Map(stateIndexes.map((i) => [key(i), i]));
    const unique = stateIndexes.filter((i, n) => stateIndexes.findIndex((j) => key(j) === key(i)) === n);
    expect(unique.length).toBeGreaterThan(catalog.streams.length);
    const problems: string[] = [];
    for (const index of unique) {
      const after = lastCopy.get(key(index))!;
      const expectedCount = stateIndexes.filter((i) => i > after).reduce((sum, i) => sum + messages[i].state.sourceStats.recordCount, 0);
      const resumed = await runConnector('read', { config, catalog, state: stateUpTo(messages, after), env: org.env });
      const got = new Set(recordKeys(resumed.messages));
      const notDelivered = recordKeys(messages.slice(after + 1)).filter((k) => !got.has(k));
      if (resumed.errors.length) problems.push(`checkpoint ${key(index)}: ${resumed.errors[0].trace.error.message}`);
      if (resumed.records.length < expectedCount)
        problems.push(`checkpoint ${key(index)}: ${resumed.records.length} records, expected at least ${expectedCount}`);
      if (notDelivered.length) problems.push(`checkpoint ${key(index)}: ${notDelivered.length} records lost, e.g. ${notDelivered[0]}`);
    }
    expect(problems).toEqual([]);
  });

  it('returns no records and a state per stream for an abnormally large state', async () => {
    if (!test.future_state) return;
    const future = readJson(test.future_state.future_state_path) as unknown as Json[];
    const run = await runConnector('read', { config, catalog, state: future, env: org.env });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.records).toEqual([]);
    expect(run.states.length).toBeGreaterThanOrEqual(1);
    for (const s of catalog.streams) {
      const last = run.lastStateOf(s.stream.name);
      const given = future.find((f) => f.stream.stream_descriptor.name === s.stream.name)?.stream.stream_state;
      // The cursor stays where it was: a future state must not be moved backwards. The state now names its cursor.
      expect({ stream: s.stream.name, state: last?.state.stream.stream_state }).toEqual({
        stream: s.stream.name,
        // A first incremental read of deletions starts when the read started (deleted-records.ts).
        state: { ...given, cursor_field: 'SystemModstamp', deletions_through: expect.any(String) },
      });
    }
  });

  // Last: it changes the org the tests above read.
  it('delivers changes made between two reads: updates, inserts and soft deletes', async () => {
    const [a, b] = org.emulator.records('Account');
    const updated = org.emulator.update('Account', String(a.Id), { Name: 'Renamed by acceptance test' });
    const inserted = org.emulator.insert('Account', { Name: 'Inserted by acceptance test' });
    org.emulator.softDelete('Account', String(b.Id));
    const two = await runConnector('read', { config, catalog, state: stateFrom(first.states), env: org.env });
    const accounts = two.recordsOf('Account');
    expect(accounts.find((r) => r.Id === updated.Id)).toMatchObject({ Name: 'Renamed by acceptance test' });
    expect(accounts.find((r) => r.Id === inserted.Id)).toMatchObject({ Name: 'Inserted by acceptance test' });
    expect(accounts.find((r) => r.Id === b.Id)).toMatchObject({ IsDeleted: true });
  });
});
