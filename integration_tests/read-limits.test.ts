import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector, stateFrom, type Message, idsOf } from './helpers/connector-runner.js';
import { QUARTER_ORG_COUNTS, startDiscoveredOrg, startOrg, type TestOrg } from './helpers/org.js';

const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;
let orgs: TestOrg[] = [];
afterEach(async () => {
  await Promise.all(orgs.map((o) => o.emulator.close()));
  orgs = [];
});

// Discovered once, on an org of a few records: the orgs below differ only in data and limits, not in
// schema, so a tiny API allocation is all the read's.
let catalog: Message;
beforeAll(async () => {
  const discovered = await startDiscoveredOrg({ counts: { Account: 1, Contact: 1, Lead: 1, Opportunity: 1, Case: 1, User: 1 }, https: false });
  await discovered.org.emulator.close();
  catalog = discovered.catalog;
});

/** The catalog with each stream's Id and dates only: what the quota counts is calls, not fields. */
function idsAndDates(): Message {
  const keep = ['Id', 'CreatedDate', 'SystemModstamp'];
  return {
    streams: catalog.streams.map((configured: Message) => {
      const schema = configured.stream.json_schema;
      const properties = Object.fromEntries(Object.entries(schema.properties).filter(([name]) => keep.includes(name)));
      return { ...configured, stream: { ...configured.stream, json_schema: { ...schema, properties } } };
    }),
  };
}

/** Plain HTTP, uncompressed: quotas and query limits do not depend on the transport. */
async function setUp(options: Parameters<typeof startOrg>[0] = {}) {
  const org = await startOrg({ https: false, gzip: false, ...options });
  orgs.push(org);
  return { org, catalog };
}

describe('API quota', () => {
  it.each([
    ['the api_budget_percent is crossed', { dailyApiLimit: 30 }, { api_budget_percent: 50 }, /exceeds api_budget_percent \(50%\)/],
    ['Salesforce answers REQUEST_LIMIT_EXCEEDED', { dailyApiLimit: 0 }, { api_budget_percent: 100 }, /REQUEST_LIMIT_EXCEEDED/],
  ])('stops cleanly when %s, and the saved states resume without loss', async (_what, options, config, message) => {
    // A quarter-size org in pages of 25: some 20 pages, so the budget runs out mid-read.
    const { org } = await setUp({ ...options, counts: QUARTER_ORG_COUNTS, maxBatchSize: 25 });
    const catalog = idsAndDates();
    const stopped = await runConnector('read', { config: { ...org.config, ...config, num_workers: 2 }, catalog, env: org.env });
    expect(stopped.exitCode).not.toBe(0);
    const last = stopped.errors.at(-1)!.trace.error;
    expect(last.failure_type).toBe('transient_error');
    expect(last.message).toMatch(message);
    expect(last.message).toMatch(/rolling 24-hour window/);
    const finals = OBJECTS.map((o) => stopped.statusesOf(o).at(-1));
    expect(finals).toContain('INCOMPLETE');
    for (const status of finals) expect(['COMPLETE', 'INCOMPLETE']).toContain(status);

    // The same org (same seed) with a fresh allocation: resuming delivers everything.
    const { org: fresh } = await setUp({ counts: QUARTER_ORG_COUNTS, maxBatchSize: 25 });
    const resumed = await runConnector('read', { config: fresh.config, catalog, state: stateFrom(stopped.states), env: fresh.env });
    expect(resumed.exitCode).toBe(0);
    for (const object of OBJECTS) {
      const union = new Set([...idsOf(stopped.recordsOf(object)), ...idsOf(resumed.recordsOf(object))]);
      const missing = idsOf(fresh.emulator.records(object, { includeDeleted: true })).filter((id) => !union.has(id));
      expect({ object, missing }).toEqual({ object, missing: [] });
    }
  });
});

describe('query limits', () => {
  it('splits windows that time out and still delivers every record once', async () => {
    // A quarter-size org, and queries over 30 rows time out: each object's window is split more than once.
    const { org, catalog } = await setUp({ counts: QUARTER_ORG_COUNTS, queryTimeoutRows: 30 });
    const narrow = { streams: catalog.streams.filter((s: Message) => ['Account', 'Lead', 'Case'].includes(s.stream.name)) };
    const result = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: narrow, env: org.env });
    expect(result.exitCode).toBe(0);
    for (const object of ['Account', 'Lead', 'Case'] as const) {
      const ids = idsOf(result.recordsOf(object));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(idsOf(org.emulator.records(object, { includeDeleted: true })).sort());
    }
    expect(result.logs.map((l) => l.log.message).join('\n')).toMatch(/timed out on the window .* reading it in two halves/);
  });

  it('narrows windows that Salesforce times out on, starting from the oldest change', async () => {
    // The windows are cut by time: a quarter-size org spans the same years.
    const { org, catalog } = await setUp({ counts: QUARTER_ORG_COUNTS });
    org.emulator.setFaults({ queryTimeoutWindowMs: 90 * 24 * 60 * 60 * 1000 });
    const before = org.emulator.requests.length;
    const narrow = { streams: catalog.streams.filter((s: Message) => ['Opportunity', 'User'].includes(s.stream.name)) };
    const result = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: narrow, env: org.env });
    expect(result.exitCode).toBe(0);
    for (const object of ['Opportunity', 'User'] as const) {
      const ids = idsOf(result.recordsOf(object));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(idsOf(org.emulator.records(object, { includeDeleted: true })).sort());
    }
    expect(org.emulator.faultsInjected.query_timeout).toBeGreaterThan(0);
    // Two and a half years of data in 90-day windows: a few dozen queries, not one per empty quarter since 1999.
    expect(org.emulator.requests.length - before).toBeLessThan(150);
  });

  it('splits a query too long for one URL into field chunks joined by Id, with identical records', async () => {
    // A few records of each object: the chunks are per query, whatever its number of rows.
    const { org, catalog } = await setUp({ counts: { Account: 12, Contact: 30, Lead: 12, Opportunity: 12, Case: 12, User: 6 } });
    const normal = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog, env: org.env });
    const before = org.emulator.requests.length;
    const chunked = await runConnector('read', {
      config: { ...org.config, read_api: 'rest' },
      catalog,
      env: { ...org.env, SOURCE_SALESFORCE_MAX_URL_BYTES: '3000' },
    });
    expect(chunked.exitCode).toBe(0);
    const lookups = org.emulator.requests.slice(before).filter((r) => r.query?.includes(' WHERE Id IN ('));
    expect(lookups.length).toBeGreaterThan(0);
    for (const object of OBJECTS) {
      const byId = (records: Message[]) => new Map(records.map((r) => [r.Id, r]));
      expect(byId(chunked.recordsOf(object))).toEqual(byId(normal.recordsOf(object)));
    }
  });
});
