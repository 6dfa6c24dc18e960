import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, type Message, type RunResult } from './helpers/connector-runner.js';
import { QUARTER_ORG_COUNTS, startOrg, type TestOrg } from './helpers/org.js';
import { nativeImport } from './helpers/native.js';

// Natively loaded, so the validator runs outside Jest's VM context (see helpers/native.ts): it checks every record.
const { recordValidator } = nativeImport<typeof import('./helpers/protocol-validator.js')>(new URL('./helpers/protocol-validator.js', import.meta.url));

const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;
let org: TestOrg;
let discovered: RunResult;
let read: RunResult;

beforeAll(async () => {
  // A quarter of the default org, over HTTPS with gzip as a real org answers, in pages of 30 rows so
  // every stream but User crosses a page.
  org = await startOrg({ counts: QUARTER_ORG_COUNTS, maxBatchSize: 30 });
  discovered = await runConnector('discover', { config: org.config, env: org.env });
  read = await runConnector('read', { config: org.config, catalog: configuredCatalog(discovered.catalog!, 'full_refresh'), env: org.env });
});
afterAll(() => org.emulator.close());

describe('full refresh read', () => {
  it('delivers every live record of every stream exactly once and exits 0', () => {
    expect(read.exitCode).toBe(0);
    expect(read.errors).toEqual([]);
    for (const object of OBJECTS) {
      const ids = read.recordsOf(object).map((r) => r.Id);
      const expected = org.emulator.records(object).map((r) => r.Id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected].sort());
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it('leaves soft-deleted records out of a full copy', () => {
    const deleted = org.emulator.records('Account', { includeDeleted: true }).filter((r) => r.IsDeleted === true);
    expect(deleted.length).toBeGreaterThan(0);
    expect(read.recordsOf('Account').some((r) => r.IsDeleted === true)).toBe(false);
  });

  it('emits records that validate against the discovered schema, typed and with ISO-8601 datetimes', () => {
    for (const object of OBJECTS) {
      const stream = discovered.catalog!.catalog.streams.find((s: Message) => s.name === object);
      const validate = recordValidator(stream.json_schema);
      for (const record of read.recordsOf(object)) {
        const data: unknown = record; // validate() narrows its argument; keep `record` typed for the message
        if (!validate(data)) throw new Error(`${object} ${record.Id}: ${JSON.stringify(validate.errors)}`);
        expect(record.attributes).toBeUndefined();
        expect(record.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
    }
    const account = read.recordsOf('Account').find((r) => typeof r.AnnualRevenue === 'number' && typeof r.NumberOfEmployees === 'number');
    expect(account).toBeDefined();
    expect(read.recordsOf('Account').some((r) => r.BillingAddress !== null && typeof r.BillingAddress === 'object')).toBe(true);
  });

  it('reports STARTED, RUNNING, COMPLETE and a final STATE that marks the full refresh complete, with sourceStats per stream', () => {
    for (const object of OBJECTS) {
      expect(read.statusesOf(object)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      const last = read.lastStateOf(object)!;
      expect(last.state.type).toBe('STREAM');
      expect(last.state.stream.stream_state).toEqual({ full_refresh: 'complete' });
      expect(last.state.sourceStats.recordCount).toBe(0);
    }
    const counted = read.states.reduce((sum, s) => sum + s.state.sourceStats.recordCount, 0);
    expect(counted).toBe(read.records.length);
  });

  it('writes each STATE right after the records it counts', () => {
    const sinceLastState = new Map<string, number>();
    for (const m of read.messages) {
      if (m.type === 'RECORD') sinceLastState.set(m.record.stream, (sinceLastState.get(m.record.stream) ?? 0) + 1);
      if (m.type === 'STATE') {
        const stream = m.state.stream.stream_descriptor.name;
        expect({ stream, count: m.state.sourceStats.recordCount }).toEqual({ stream, count: sinceLastState.get(stream) ?? 0 });
        sinceLastState.set(stream, 0);
      }
    }
    for (const [stream, pending] of sinceLastState) expect({ stream, pending }).toEqual({ stream, pending: 0 });
  });

  it('a second full refresh stamps later emitted_at values', async () => {
    const again = await runConnector('read', { config: org.config, catalog: configuredCatalog(discovered.catalog!, 'full_refresh', ['User']), env: org.env });
    const firstMax = Math.max(...read.records.map((r) => r.record.emitted_at));
    const secondMin = Math.min(...again.records.map((r) => r.record.emitted_at));
    expect(again.recordsOf('User').length).toBe(read.recordsOf('User').length);
    expect(secondMin).toBeGreaterThan(firstMax);
  });

  it('honours start_date', async () => {
    const all = org.emulator
      .records('Opportunity')
      .map((r) => String(r.SystemModstamp))
      .sort();
    const startDate = new Date(Date.parse(all[Math.floor(all.length / 2)].replace('+0000', 'Z'))).toISOString();
    const bounded = await runConnector('read', {
      config: { ...org.config, start_date: startDate },
      catalog: configuredCatalog(discovered.catalog!, 'full_refresh', ['Opportunity']),
      env: org.env,
    });
    const records = bounded.recordsOf('Opportunity');
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(read.recordsOf('Opportunity').length);
    for (const r of records) expect(Date.parse(r.SystemModstamp)).toBeGreaterThanOrEqual(Date.parse(startDate));
  });
});
