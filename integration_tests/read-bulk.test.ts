import { afterEach, describe, expect, it } from '@jest/globals';
import { idsOf, runConnector, type Message } from './helpers/connector-runner.js';
import { startDiscoveredOrg, type startOrg, type TestOrg } from './helpers/org.js';

const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;
let org: TestOrg | undefined;
afterEach(async () => {
  await org?.emulator.close();
  org = undefined;
});

async function setUp(options: Parameters<typeof startOrg>[0] = {}) {
  const started = await startDiscoveredOrg(options);
  org = started.org;
  return started;
}

const bulkJobsCreated = (o: TestOrg) => o.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/query')).length;

describe('Bulk API 2.0 reads', () => {
  it('produce the same records and state as REST', async () => {
    const { org, catalog } = await setUp({ bulkPollsBeforeComplete: 2 });
    const rest = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog, env: org.env });
    const bulk = await runConnector('read', { config: { ...org.config, read_api: 'bulk' }, catalog, env: org.env });
    expect([rest.exitCode, bulk.exitCode]).toEqual([0, 0]);
    expect(bulkJobsCreated(org)).toBe(6);
    for (const object of OBJECTS) {
      const byId = (records: Message[]) => new Map(records.map((r) => [r.Id, r]));
      expect(byId(bulk.recordsOf(object))).toEqual(byId(rest.recordsOf(object)));
      expect(bulk.lastStateOf(object)!.state.stream.stream_state).toEqual(rest.lastStateOf(object)!.state.stream.stream_state);
      expect(bulk.statusesOf(object)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    }
    // Compound fields are rebuilt from their components.
    expect(bulk.recordsOf('Account').some((r) => r.BillingAddress && typeof r.BillingAddress.city === 'string')).toBe(true);
    // Each job is deleted once read.
    expect(org.emulator.requests.filter((r) => r.method === 'DELETE').length).toBe(6);
  });

  it('auto switches to Bulk only for large windows and estimates the rows first', async () => {
    const { org, catalog } = await setUp({ counts: { Lead: 25_000 } });
    const result = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(result.exitCode).toBe(0);
    const jobs = org.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs/query'));
    expect(jobs).toHaveLength(1);
    expect(result.recordsOf('Lead')).toHaveLength(org.emulator.records('Lead', { includeDeleted: true }).length);
    const estimate = result.estimates.find((e) => e.trace.estimate.name === 'Lead')!;
    expect(estimate.trace.estimate.row_estimate).toBe(result.recordsOf('Lead').length);
    const leadIndex = (m: Message) => m.type === 'RECORD' && m.record.stream === 'Lead';
    expect(result.messages.indexOf(estimate)).toBeLessThan(result.messages.findIndex(leadIndex));
  });

  it('falls back to REST when Salesforce refuses a Bulk job for an object', async () => {
    const { org, catalog } = await setUp({ bulkUnsupportedObjects: ['Case'] });
    const result = await runConnector('read', { config: { ...org.config, read_api: 'bulk' }, catalog, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.recordsOf('Case')).toHaveLength(org.emulator.records('Case', { includeDeleted: true }).length);
    expect(result.logs.map((l) => l.log.message).join('\n')).toMatch(/Case: Salesforce refused a Bulk job .*reading it through REST/);
  });
});
