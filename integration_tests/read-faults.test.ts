/**
 * Single faults and what the connector does about each. Reads of every object under mixed faults of
 * every kind, sessions expiring on the way, through REST and Bulk: read-fault-seeds.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { idsOf, runConnector, type Message } from './helpers/connector-runner.js';
import { orgPerTestWithCatalog } from './helpers/org-per-test.js';
import { pauseAfterStatus } from './helpers/request-gap.js';
import { QUARTER_ORG_COUNTS, type TestOrg } from './helpers/org.js';
import type { SObjectName } from './emulator/index.js';

// The orgs below differ in faults and page sizes, not in schema; these tests are about calls and their
// retries, not columns.
const setUp = orgPerTestWithCatalog(['Id', 'Name', 'LastName', 'SystemModstamp', 'IsDeleted']);

function expectEveryRecord(o: TestOrg, result: { recordsOf(s: string): Record<string, unknown>[] }, objects: readonly string[]) {
  for (const object of objects) {
    const delivered = new Set(idsOf(result.recordsOf(object)));
    const missing = idsOf(o.emulator.records(object as SObjectName, { includeDeleted: true })).filter((id) => !delivered.has(id));
    expect({ object, missing }).toEqual({ object, missing: [] });
  }
}

describe('reads under faults', () => {
  it('honours Retry-After on an outage, and still completes', async () => {
    // One real second, HTTP's unit, is the least a Retry-After can ask; the same wait on a rate limit
    // (429) is shown in read-rate-limits.test.ts. Pages of 50 make the Lead read a few requests; this
    // seed faults one of them.
    const { org, catalog } = await setUp({ maxBatchSize: 50 });
    org.emulator.setFaults({ errorRate: 0.2, kinds: ['server_unavailable'], retryAfterSeconds: 1, seed: 1 });
    const leadOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'Lead') };
    const running = runConnector('read', { config: org.config, catalog: leadOnly, env: org.env });
    // Its other pauses are 50 ms at most (SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS).
    expect(await pauseAfterStatus(org.emulator, 503, running)).toBeGreaterThanOrEqual(900);
    const result = await running;
    expect(result.exitCode).toBe(0);
    expectEveryRecord(org, result, ['Lead']);
    expect(org.emulator.faultsInjected.server_unavailable).toBe(1);
  });

  it('gives up after bounded retries with a transient_error naming the stream', async () => {
    // A quarter-size org: only Case is read, and none of its records arrives.
    const { org, catalog } = await setUp({ counts: QUARTER_ORG_COUNTS });
    org.emulator.setFaults({ errorRate: 1, kinds: ['server_unavailable'] });
    const caseOnly = { streams: catalog.streams.filter((s: Message) => s.stream.name === 'Case') };
    // The bound on attempts is the point, not the pauses between them: the shortest.
    const result = await runConnector('read', { config: org.config, catalog: caseOnly, env: { ...org.env, SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS: '5' } });
    expect(result.exitCode).not.toBe(0);
    const caseError = result.errors.find((e) => e.trace.error.stream_descriptor?.name === 'Case')!;
    expect(caseError.trace.error.failure_type).toBe('transient_error');
    expect(caseError.trace.error.message).toMatch(/^Case: Salesforce is unavailable/);
    expect(result.statusesOf('Case')).toEqual(['STARTED', 'INCOMPLETE']);
  });

  it('continues right after the last record written when Salesforce drops the query cursor', async () => {
    // A quarter-size org (200 Contacts) in pages of 50: the query cursor is dropped with pages still to come.
    const { org, catalog } = await setUp({ maxBatchSize: 50, counts: QUARTER_ORG_COUNTS });
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
