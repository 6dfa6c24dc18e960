import { afterEach, describe, expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, withFields, type Message } from './helpers/connector-runner.js';
import { QUARTER_ORG_COUNTS, startOrg, type TestOrg } from './helpers/org.js';
import type { EmulatorOptions } from './emulator/index.js';
import { Rng } from './emulator/rng.js';

const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;

// Every org here has the same schema: the first one started is discovered, and its catalog serves the file.
let discovered: Message | undefined;
let current: TestOrg | undefined;
afterEach(async () => {
  await current?.emulator.close();
  current = undefined;
});
/** An org for one test, over plain HTTP without gzip: what is tested is what the APIs return, not TLS or compression, which cost CPU. */
async function orgOf(options: EmulatorOptions): Promise<TestOrg> {
  const org = (current = await startOrg({ https: false, gzip: false, ...options }));
  discovered ??= (await runConnector('discover', { config: org.config, env: org.env })).catalog!;
  return org;
}
/** Every stream, all fields: what the typing of each field is proven on. */
const fullCatalog = () => configuredCatalog(discovered!, 'incremental');
/** Every stream, a few fields: for tests of which API reads what. */
const narrowCatalog = (only?: string[]) => withFields(configuredCatalog(discovered!, 'incremental', only), ['Id', 'SystemModstamp', 'IsDeleted']);

/**
 * A fault seed under which, of the next `index + 7` faultable requests, only request `index` faults,
 * replaying the emulator's draws: one per request, and one more for the kind when it faults.
 */
function seedFaultingOnly(index: number, rate: number): number {
  const faults = (rng: Rng) => rng.next() < rate && (rng.next(), true);
  for (let seed = 1; ; seed++) {
    const rng = new Rng(seed);
    if (Array.from({ length: index + 7 }, () => faults(rng)).every((faulted, i) => faulted === (i === index))) return seed;
  }
}

const bulkJobsCreated = (o: TestOrg) => o.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/query')).length;

describe('Bulk API 2.0 reads', () => {
  it('produce the same records and state as REST', async () => {
    const org = await orgOf({ bulkPollsBeforeComplete: 2, counts: QUARTER_ORG_COUNTS });
    const catalog = fullCatalog();
    const rest = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog, env: org.env });
    const bulk = await runConnector('read', { config: { ...org.config, read_api: 'bulk' }, catalog, env: org.env });
    expect([rest.exitCode, bulk.exitCode]).toEqual([0, 0]);
    expect(bulkJobsCreated(org)).toBe(6);
    for (const object of OBJECTS) {
      const byId = (records: Message[]) => new Map(records.map((r) => [r.Id, r]));
      expect(byId(bulk.recordsOf(object))).toEqual(byId(rest.recordsOf(object)));
      // Both start reading deletions when their own read started (deleted-records.ts).
      const { deletions_through: bulkDeletions, ...bulkState } = bulk.lastStateOf(object)!.state.stream.stream_state;
      const { deletions_through: restDeletions, ...restState } = rest.lastStateOf(object)!.state.stream.stream_state;
      expect(bulkState).toEqual(restState);
      expect([typeof bulkDeletions, typeof restDeletions]).toEqual(['string', 'string']);
      expect(bulk.statusesOf(object)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    }
    // Compound fields are rebuilt from their components.
    expect(bulk.recordsOf('Account').some((r) => r.BillingAddress && typeof r.BillingAddress.city === 'string')).toBe(true);
    // Each job is deleted once read.
    expect(org.emulator.requests.filter((r) => r.method === 'DELETE').length).toBe(6);
  });

  it('auto switches to Bulk only for large windows and estimates the rows first', async () => {
    // A threshold scaled down with the org: Lead is above it, every other object (200 Contacts at most) below.
    const org = await orgOf({ counts: { ...QUARTER_ORG_COUNTS, Lead: 600 } });
    const catalog = narrowCatalog();
    const env = { ...org.env, SOURCE_SALESFORCE_BULK_THRESHOLD: '400' };
    const result = await runConnector('read', { config: org.config, catalog, env });
    expect(result.exitCode).toBe(0);
    const jobs = org.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/query'));
    expect(jobs).toHaveLength(1);
    expect(result.recordsOf('Lead')).toHaveLength(org.emulator.records('Lead', { includeDeleted: true }).length);
    const estimate = result.estimates.find((e) => e.trace.estimate.name === 'Lead')!;
    expect(estimate.trace.estimate.row_estimate).toBe(result.recordsOf('Lead').length);
    const leadIndex = (m: Message) => m.type === 'RECORD' && m.record.stream === 'Lead';
    expect(result.messages.indexOf(estimate)).toBeLessThan(result.messages.findIndex(leadIndex));
  });

  it('creates the job again when the answer to its creation arrives cut off', async () => {
    const org = await orgOf({ counts: { Account: 300, Contact: 0, Lead: 0, Opportunity: 0, Case: 0, User: 1 } });
    const accountOnly = narrowCatalog(['Account']);
    // The read's faultable requests: describe, then the job creation (index 1), polls, results.
    org.emulator.setFaults({ errorRate: 0.5, kinds: ['truncated'], seed: seedFaultingOnly(1, 0.5) });
    const result = await runConnector('read', { config: { ...org.config, read_api: 'bulk' }, catalog: accountOnly, env: org.env });
    expect(org.emulator.faultsInjected.truncated).toBe(1);
    expect(bulkJobsCreated(org)).toBe(2);
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.recordsOf('Account')).toHaveLength(org.emulator.records('Account', { includeDeleted: true }).length);
  });

  it('falls back to REST when Salesforce refuses a Bulk job for an object', async () => {
    const org = await orgOf({ bulkUnsupportedObjects: ['Case'], counts: QUARTER_ORG_COUNTS });
    const catalog = narrowCatalog(['Case']);
    const result = await runConnector('read', { config: { ...org.config, read_api: 'bulk' }, catalog, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.recordsOf('Case')).toHaveLength(org.emulator.records('Case', { includeDeleted: true }).length);
    expect(result.logs.map((l) => l.log.message).join('\n')).toMatch(
      /Case: Salesforce refused a Bulk job .*Case is read through REST for the rest of this sync/,
    );
  });
});
