import { describe, expect, it } from '@jest/globals';
import { idsOf, runConnector, type Message } from './helpers/connector-runner.js';
import { discoveredOrgPerTest } from './helpers/org-per-test.js';
import type { TestOrg } from './helpers/org.js';

const OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;
const setUp = discoveredOrgPerTest();

function expectEveryRecord(o: TestOrg, result: { recordsOf(s: string): Record<string, unknown>[] }, objects: readonly string[] = OBJECTS) {
  for (const object of objects) {
    const delivered = new Set(idsOf(result.recordsOf(object)));
    const missing = idsOf(o.emulator.records(object as (typeof OBJECTS)[number], { includeDeleted: true })).filter((id) => !delivered.has(id));
    expect({ object, missing }).toEqual({ object, missing: [] });
  }
}

describe('reads under faults', () => {
  it.each(['rest', 'bulk'])('lose no record through %s with 15%% mixed faults and sessions expiring every 20 requests', async (readApi) => {
    // Pages of 50 rows: REST makes as many requests for these 2,800 records as for 11,000 in pages
    // of 200 (about 90, faults included). Bulk's are a handful per object whatever the size.
    const { org, catalog } = await setUp({ maxBatchSize: 50, counts: { Account: 500, Contact: 750, Lead: 500, Opportunity: 500, Case: 500 } });
    org.emulator.setFaults({ errorRate: 0.15, sessionExpiresEvery: 20, seed: readApi === 'rest' ? 7 : 11 });
    const result = await runConnector('read', { config: { ...org.config, read_api: readApi }, catalog, env: org.env });
    expect(result.exitCode).toBe(0);
    expectEveryRecord(org, result);
    const injected = org.emulator.faultsInjected;
    expect(Object.values(injected).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
    expect(injected.session_expired).toBeGreaterThan(0);
  });

  it('honours Retry-After and still completes', async () => {
    const { org, catalog } = await setUp();
    org.emulator.setFaults({ errorRate: 0.2, kinds: ['server_unavailable', 'rate_limited'], retryAfterSeconds: 1, seed: 3 });
    const started = Date.now();
    const userOnly = { streams: catalog.streams.filter((s: Message) => ['User', 'Lead'].includes(s.stream.name)) };
    const result = await runConnector('read', { config: org.config, catalog: userOnly, env: org.env });
    expect(result.exitCode).toBe(0);
    expectEveryRecord(org, result, ['User', 'Lead']);
    const faults = (org.emulator.faultsInjected.server_unavailable ?? 0) + (org.emulator.faultsInjected.rate_limited ?? 0);
    expect(faults).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(faults * 1000);
  });

  it('gives up after bounded retries with a transient_error naming the stream', async () => {
    const { org, catalog } = await setUp();
    org.emulator.setFaults({ errorRate: 1, kinds: ['server_unavailable'] });
    const caseOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'Case') };
    const result = await runConnector('read', { config: org.config, catalog: caseOnly, env: org.env });
    expect(result.exitCode).not.toBe(0);
    const caseError = result.errors.find((e) => e.trace.error.stream_descriptor?.name === 'Case')!;
    expect(caseError.trace.error.failure_type).toBe('transient_error');
    expect(caseError.trace.error.message).toMatch(/^Case: Salesforce is unavailable/);
    expect(result.statusesOf('Case')).toEqual(['STARTED', 'INCOMPLETE']);
  });

  it('continues right after the last record written when Salesforce drops the query cursor', async () => {
    const { org, catalog } = await setUp({ maxBatchSize: 200 });
    org.emulator.setFaults({ latencyMs: 40 });
    const contactOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'Contact') };
    const running = runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: contactOnly, env: org.env });
    const before = org.emulator.requests.length;
    let expired = false;
    while (!expired) {
      await new Promise((r) => setTimeout(r, 5));
      if (org.emulator.requests.slice(before).some((r) => /\/query(All)?\/01g/.test(r.path))) {
        org.emulator.expireQueryLocators();
        expired = true;
      }
    }
    const result = await running;
    expect(result.exitCode).toBe(0);
    expect(result.logs.map((l) => l.log.message).join('\n')).toMatch(/dropped the query cursor; continuing after the last record written/);
    const ids = idsOf(result.recordsOf('Contact'));
    expect(new Set(ids).size).toBe(ids.length);
    expectEveryRecord(org, result, ['Contact']);
  });

  it('mints the token again when its answer arrives cut off, and says so when it keeps arriving cut off', async () => {
    const { org, catalog } = await setUp();
    const leadOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'Lead') };
    org.emulator.truncateNextTokenResponses(2);
    const recovered = await runConnector('read', { config: org.config, catalog: leadOnly, env: org.env });
    expect(recovered.errors).toEqual([]);
    expect(recovered.exitCode).toBe(0);
    expectEveryRecord(org, recovered, ['Lead']);

    org.emulator.truncateNextTokenResponses(10);
    const failed = await runConnector('read', { config: org.config, catalog: leadOnly, env: org.env });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.recordsOf('Lead')).toEqual([]);
    expect(failed.errors.map((e) => [e.trace.error.failure_type, e.trace.error.message])).toContainEqual([
      'transient_error',
      'Salesforce kept sending unreadable or cut-off answers for /services/oauth2/token; the next run continues from the last saved state.',
    ]);
  });
});
