/**
 * Acceptance: basic read. The discovered catalog read in each stream's first supported sync mode
 * (full refresh): valid records in every stream, the expected records present, a STREAM state with
 * sourceStats per stream, stream statuses STARTED → RUNNING → COMPLETE, and an ERROR trace for an
 * invalid catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector, type Message, type RunResult } from '../helpers/connector-runner.js';
import { nativeImport } from '../helpers/native.js';
import { acceptanceConfig, readJsonLines, startAcceptanceOrg, type AcceptanceOrg, type Json } from './support/fixtures.js';

// Natively loaded, so the checks run outside Jest's VM context (see helpers/native.ts): they go through every record.
const { recordChecker } = nativeImport<typeof import('./support/catalog-rules.js')>(new URL('./support/catalog-rules.js', import.meta.url));

const { tests } = acceptanceConfig().acceptance_tests.basic_read;

/** The discovered catalog, each stream in its first supported sync mode, destination append. */
function firstModeCatalog(discovered: Message): Json {
  return {
    streams: discovered.catalog.streams.map((stream: Json) => ({
      stream,
      sync_mode: stream.supported_sync_modes[0],
      destination_sync_mode: 'append',
    })),
  };
}

describe.each(tests)('acceptance: basic read with $config_path', (test) => {
  let org: AcceptanceOrg;
  let catalog: Json;
  let run: RunResult;
  const emptyStreams = new Set((test.empty_streams ?? []).map((s) => s.name));

  beforeAll(async () => {
    // Plain HTTP without gzip: what is checked is the records and messages; the acceptance config over
    // TLS is connection's and discovery's, and compressing the whole default org cost more than reading it.
    org = await startAcceptanceOrg({ https: false, gzip: false });
    const config = org.config(test.config_path);
    const discovered = await runConnector('discover', { config, env: org.env });
    catalog = firstModeCatalog(discovered.catalog!);
    run = await runConnector('read', { config, catalog, env: org.env });
  });
  afterAll(() => org.close());

  it('reads in full refresh, the first supported mode, and exits 0 without errors', () => {
    expect(catalog.streams.map((s: Json) => s.sync_mode)).toEqual(catalog.streams.map(() => 'full_refresh'));
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it('returns records for every stream not declared empty', () => {
    expect(run.records.length).toBeGreaterThan(0);
    const without = catalog.streams.map((s: Json) => s.stream.name).filter((name: string) => !emptyStreams.has(name) && run.recordsOf(name).length === 0);
    expect(without).toEqual([]);
  });

  it('returns only records of configured streams, each valid against its schema with strict integers and date-times', () => {
    const checkers = new Map<string, ReturnType<typeof recordChecker>>(
      catalog.streams.map((s: Json) => [s.stream.name, recordChecker(s.stream, { failOnExtraColumns: test.expect_records?.fail_on_extra_columns ?? true })]),
    );
    const problems: string[] = [];
    for (const { record } of run.records) {
      const check = checkers.get(record.stream);
      if (!check) problems.push(`record of unconfigured stream ${record.stream}`);
      else for (const p of check(record.data)) if (problems.length < 20) problems.push(`${record.stream} ${record.data?.Id}: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it('contains every expected record', () => {
    if (!test.expect_records) return;
    const expected = readJsonLines(test.expect_records.path);
    expect(expected.length).toBeGreaterThan(0);
    const actual = new Map<string, Set<string>>();
    for (const { record } of run.records) {
      const set = actual.get(record.stream) ?? new Set<string>();
      set.add(JSON.stringify(record.data));
      actual.set(record.stream, set);
    }
    const missing = expected.filter((e) => !actual.get(e.stream)?.has(JSON.stringify(e.data)));
    expect(missing.map((e) => `${e.stream} ${e.data.Id}`)).toEqual([]);
    if (test.expect_records.extra_records === false) {
      expect(run.records).toHaveLength(expected.length);
    }
  });

  it('emits at least one STREAM state per stream, none legacy, each with sourceStats', () => {
    expect(run.states.length).toBeGreaterThan(0);
    for (const { state } of run.states) {
      expect(state.type).toBe('STREAM');
      expect(state.stream.stream_descriptor.name).toEqual(expect.any(String));
      expect(state.sourceStats.recordCount).toEqual(expect.any(Number));
    }
    const withState = new Set(run.states.map((m) => m.state.stream.stream_descriptor.name));
    expect([...withState].sort()).toEqual(catalog.streams.map((s: Json) => s.stream.name).sort());
  });

  it("counts in sourceStats exactly the records emitted since the stream's previous state", () => {
    const pending = new Map<string, number>();
    const mismatches: string[] = [];
    for (const m of run.messages) {
      if (m.type === 'RECORD') pending.set(m.record.stream, (pending.get(m.record.stream) ?? 0) + 1);
      if (m.type === 'STATE') {
        const name = m.state.stream.stream_descriptor.name;
        if (m.state.sourceStats.recordCount !== (pending.get(name) ?? 0))
          mismatches.push(`${name}: ${m.state.sourceStats.recordCount} vs ${pending.get(name) ?? 0}`);
        pending.set(name, 0);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('reports STARTED, then RUNNING, then COMPLETE for exactly the configured streams', () => {
    const names = catalog.streams.map((s: Json) => s.stream.name);
    const withStatus = new Set(run.statuses.map((m) => m.trace.stream_status.stream_descriptor.name));
    expect([...withStatus].sort()).toEqual([...names].sort());
    for (const name of names) {
      const statuses = run.statusesOf(name).filter((s, i, all) => i === 0 || all[i - 1] !== s);
      expect({ name, statuses }).toEqual({ name, statuses: ['STARTED', 'RUNNING', 'COMPLETE'] });
    }
  });

  it("puts a stream's records between its RUNNING and COMPLETE statuses", () => {
    const position = new Map<string, { running: number; complete: number }>();
    run.messages.forEach((m, i) => {
      if (m.type !== 'TRACE' || m.trace.type !== 'STREAM_STATUS') return;
      const name = m.trace.stream_status.stream_descriptor.name;
      const entry = position.get(name) ?? { running: -1, complete: -1 };
      if (m.trace.stream_status.status === 'RUNNING' && entry.running < 0) entry.running = i;
      if (m.trace.stream_status.status === 'COMPLETE') entry.complete = i;
      position.set(name, entry);
    });
    const outside = run.messages
      .map((m, i) => ({ m, i }))
      .filter(({ m, i }) => m.type === 'RECORD' && !(i > position.get(m.record.stream)!.running && i < position.get(m.record.stream)!.complete));
    expect(outside).toHaveLength(0);
  });

  it.each([
    [
      'a stream this source does not have',
      (c: Json) => ({ streams: [{ ...c.streams[0], stream: { ...c.streams[0].stream, name: '__AIRBYTE__stream_that_does_not_exist' } }] }),
    ],
    ['sync_mode "INVALID"', (c: Json) => ({ streams: [{ ...c.streams[0], sync_mode: 'INVALID' }] })],
    [
      'both at once',
      (c: Json) => ({
        streams: [{ ...c.streams[0], sync_mode: 'INVALID', stream: { ...c.streams[0].stream, name: '__AIRBYTE__stream_that_does_not_exist' } }],
      }),
    ],
  ])('answers an invalid catalog (%s) with an ERROR trace', async (_what, invalid) => {
    const bad = await runConnector('read', { config: org.config(test.config_path), catalog: invalid(catalog), env: org.env });
    expect(bad.errors.length).toBeGreaterThanOrEqual(1);
    expect(bad.errors[0].trace.error.message).toEqual(expect.any(String));
    expect(bad.records).toEqual([]);
    expect(bad.exitCode).not.toBe(0);
  });
});
