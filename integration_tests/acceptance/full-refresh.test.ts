/**
 * Acceptance: full refresh. The configured catalog read twice in full refresh: both reads return
 * records, every record of the second read is emitted after every record of the first, and an
 * unchanged org yields the same records. The org is small but holds soft-deleted records, and is
 * paged 20 rows at a time so every stream but User crosses a page; over plain HTTP without gzip,
 * which these reads are not about.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector, type RunResult } from '../helpers/connector-runner.js';
import { acceptanceConfig, readJson, startAcceptanceOrg, type AcceptanceOrg, type Json } from './support/fixtures.js';

const { tests } = acceptanceConfig().acceptance_tests.full_refresh;
const ORG = { maxBatchSize: 20, https: false, gzip: false, counts: { Account: 30, Contact: 60, Lead: 30, Opportunity: 30, Case: 30, User: 5 } };

/** The configured catalog with every stream that supports it switched to full refresh. */
function fullRefreshOnly(configured: Json): Json {
  return {
    streams: configured.streams
      .filter((s: Json) => s.stream.supported_sync_modes.includes('full_refresh'))
      .map(({ cursor_field: _cursor, ...s }: Json) => ({ ...s, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
  };
}

const byStreamAndId = (run: RunResult) => run.records.map((m) => `${m.record.stream} ${JSON.stringify(m.record.data)}`).sort();

describe.each(tests)('acceptance: full refresh with $configured_catalog_path', (test) => {
  let org: AcceptanceOrg;
  let catalog: Json;
  let first: RunResult;
  let second: RunResult;

  beforeAll(async () => {
    org = await startAcceptanceOrg(ORG);
    catalog = fullRefreshOnly(readJson(test.configured_catalog_path));
    const config = org.config(test.config_path);
    first = await runConnector('read', { config, catalog, env: org.env });
    second = await runConnector('read', { config, catalog, env: org.env });
  });
  afterAll(() => org.close());

  it('reads every configured stream in both runs without errors', () => {
    for (const run of [first, second]) {
      expect(run.errors).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.records.length).toBeGreaterThan(0);
      for (const s of catalog.streams)
        expect({ stream: s.stream.name, some: run.recordsOf(s.stream.name).length > 0 }).toEqual({ stream: s.stream.name, some: true });
    }
  });

  it('emits every record of the second read later than every record of the first', () => {
    const lastOfFirst = Math.max(...first.records.map((m) => m.record.emitted_at));
    const firstOfSecond = Math.min(...second.records.map((m) => m.record.emitted_at));
    expect(firstOfSecond).toBeGreaterThan(lastOfFirst);
  });

  it('returns the same records twice from an unchanged org', () => {
    expect(byStreamAndId(second)).toEqual(byStreamAndId(first));
  });

  it('returns no soft-deleted records and no duplicates', () => {
    const deleted = catalog.streams.flatMap((s: Json) => org.emulator.records(s.stream.name, { includeDeleted: true }).filter((r) => r.IsDeleted === true));
    expect(deleted.length).toBeGreaterThan(0);
    expect(first.records.filter((m) => m.record.data.IsDeleted === true)).toEqual([]);
    for (const s of catalog.streams) {
      const ids = first.recordsOf(s.stream.name).map((r) => r.Id);
      expect({ stream: s.stream.name, duplicates: ids.length - new Set(ids).size }).toEqual({ stream: s.stream.name, duplicates: 0 });
    }
  });

  it('returns exactly the live records the org holds', () => {
    for (const s of catalog.streams) {
      const live = org.emulator
        .records(s.stream.name)
        .map((r) => String(r.Id))
        .sort();
      expect({
        stream: s.stream.name,
        ids: first
          .recordsOf(s.stream.name)
          .map((r) => r.Id)
          .sort(),
      }).toEqual({ stream: s.stream.name, ids: live });
    }
  });

  it('ends each stream with a STREAM state carrying sourceStats', () => {
    for (const s of catalog.streams) {
      const state = first.lastStateOf(s.stream.name);
      expect(state?.state.type).toBe('STREAM');
      expect(state?.state.sourceStats.recordCount).toEqual(expect.any(Number));
    }
  });
});
