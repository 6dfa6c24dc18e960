/**
 * While Salesforce holds a stream back (its edge's 429, the org's limit on long-running requests at
 * once) the stream says so as the platform reads it: RUNNING with a RATE_LIMITED reason, carrying
 * `quota_reset` when Salesforce named the wait (Retry-After), then a plain RUNNING once the call
 * goes out again. An outage is retried too, but is no limit: it says nothing of the kind.
 */
import { describe, expect, it } from '@jest/globals';
import { idsOf, runConnector, type Message, type RunResult } from './helpers/connector-runner.js';
import { orgPerTestWithCatalog } from './helpers/org-per-test.js';
import { pauseAfterStatus } from './helpers/request-gap.js';
import { QUARTER_ORG_COUNTS, type TestOrg } from './helpers/org.js';

// The orgs below differ in what holds them back, not in schema: read for a few fields. A quarter-size
// org in pages of 50: Contact still takes four pages, room for waits between them.
const setUp = orgPerTestWithCatalog(['Id', 'Name', 'LastName', 'SystemModstamp', 'IsDeleted'], { counts: QUARTER_ORG_COUNTS, maxBatchSize: 50 });
/** The waits are the point of the tests below, not their length: the shortest pause between attempts. */
const quick = (org: TestOrg) => ({ ...org.env, SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS: '5' });
const only = (catalog: Message, name: string): Message => ({ streams: catalog.streams.filter((s: Message) => s.stream.name === name) });

/** The stream's statuses as the platform tells them apart: RATE_LIMITED (with its quota_reset, if any) or the plain status. */
function statuses(result: RunResult, stream: string): (string | { RATE_LIMITED: number | undefined })[] {
  return result.statuses
    .filter((m) => m.trace.stream_status.stream_descriptor.name === stream)
    .map((m) => {
      const { status, reasons } = m.trace.stream_status;
      if (reasons === undefined) return status;
      expect(status).toBe('RUNNING');
      expect(reasons).toHaveLength(1);
      expect(reasons[0].type).toBe('RATE_LIMITED');
      return { RATE_LIMITED: reasons[0].rate_limited?.quota_reset };
    });
}

describe('RATE_LIMITED while Salesforce holds a stream back', () => {
  it.each(['query', 'token'] as const)(
    "a Retry-After written as a date (%s) is measured on the clock of the answer that carries it, not this machine's",
    async (target) => {
      // The org's clock ten minutes behind: a date read against this machine's clock is long past, and a
      // client that did so would call again at once, before the second the org asked for.
      const { org, catalog } = await setUp({ clockAheadMs: -10 * 60_000 });
      org.emulator.misbehave(target, { kind: 'rateLimited', retryAfterSeconds: 1, retryAfterAsDate: true });
      const running = runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: only(catalog, 'Contact'), env: quick(org) });
      const paused = await pauseAfterStatus(org.emulator, 429, running);
      const result = await running;
      expect(result.exitCode).toBe(0);
      expect(org.emulator.misbehaviourCount('rateLimited')).toBe(1);
      // The date is a second past the answer's Date, both on the org's clock: a second's wait (other pauses are 5 ms at most).
      expect(paused).toBeGreaterThanOrEqual(900);
      expect(idsOf(result.recordsOf('Contact')).sort()).toEqual(idsOf(org.emulator.records('Contact', { includeDeleted: true })).sort());
    },
  );

  it('a 429 with Retry-After: RATE_LIMITED until the time it names, then RUNNING, and every record', async () => {
    const { org, catalog } = await setUp();
    org.emulator.misbehave('query', { kind: 'rateLimited', retryAfterSeconds: 1 });
    const before = Date.now();
    const running = runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: only(catalog, 'Contact'), env: org.env });
    const paused = await pauseAfterStatus(org.emulator, 429, running);
    const result = await running;
    const after = Date.now();
    expect(result.exitCode).toBe(0);
    expect(org.emulator.misbehaviourCount('rateLimited')).toBe(1);
    const seen = statuses(result, 'Contact');
    expect(seen).toEqual(['STARTED', { RATE_LIMITED: expect.any(Number) }, 'RUNNING', 'COMPLETE']);
    // quota_reset is epoch milliseconds: the moment of the 429 plus the second it asked for.
    const reset = (seen[1] as { RATE_LIMITED: number }).RATE_LIMITED;
    expect(reset).toBeGreaterThanOrEqual(before + 1000);
    expect(reset).toBeLessThanOrEqual(after + 1000);
    // And it did wait that second (its other pauses are 50 ms at most: SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS).
    expect(paused).toBeGreaterThanOrEqual(900);
    // Nothing of Contact was written while it waited: its first record follows the plain RUNNING.
    const plainRunning = result.messages.findIndex((m) => m.type === 'TRACE' && m.trace.stream_status?.status === 'RUNNING' && !m.trace.stream_status.reasons);
    expect(result.messages.findIndex((m) => m.type === 'RECORD')).toBeGreaterThan(plainRunning);
    expect(idsOf(result.recordsOf('Contact')).sort()).toEqual(idsOf(org.emulator.records('Contact', { includeDeleted: true })).sort());
  });

  it('the concurrency limit (ConcurrentPerOrgLongTxn) mid-stream: each wait RATE_LIMITED without a quota_reset, then RUNNING; no record lost', async () => {
    const { org, catalog } = await setUp();
    org.emulator.misbehave('queryMore', { kind: 'concurrencyLimit' }, 2);
    const result = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: only(catalog, 'Contact'), env: quick(org) });
    expect(result.exitCode).toBe(0);
    expect(org.emulator.misbehaviourCount('concurrencyLimit')).toBe(2);
    expect(statuses(result, 'Contact')).toEqual([
      'STARTED',
      'RUNNING',
      { RATE_LIMITED: undefined },
      'RUNNING',
      { RATE_LIMITED: undefined },
      'RUNNING',
      'COMPLETE',
    ]);
    expect(idsOf(result.recordsOf('Contact')).sort()).toEqual(idsOf(org.emulator.records('Contact', { includeDeleted: true })).sort());
  });

  it('a concurrency limit that never lifts: bounded waits, then INCOMPLETE with a transient_error that says what to do', async () => {
    const { org, catalog } = await setUp();
    org.emulator.misbehave('query', { kind: 'concurrencyLimit' }, Infinity);
    const env = { ...quick(org), SOURCE_SALESFORCE_ATTEMPTS: '3' };
    const result = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: only(catalog, 'Case'), env });
    expect(result.exitCode).toBe(1);
    expect(org.emulator.misbehaviourCount('concurrencyLimit')).toBe(3);
    expect(statuses(result, 'Case')).toEqual(['STARTED', { RATE_LIMITED: undefined }, 'RUNNING', { RATE_LIMITED: undefined }, 'RUNNING', 'INCOMPLETE']);
    const error = result.errors.find((e) => e.trace.error.stream_descriptor?.name === 'Case')!;
    expect(error.trace.error.failure_type).toBe('transient_error');
    expect(error.trace.error.message).toMatch(
      /^Case: Salesforce refused the call because the org has too many long-running requests at once; lower num_workers/,
    );
  });

  it('an outage is retried without a RATE_LIMITED status: it is not a limit', async () => {
    const { org, catalog } = await setUp();
    org.emulator.failNextRequests(2, 503);
    const result = await runConnector('read', { config: { ...org.config, read_api: 'rest' }, catalog: only(catalog, 'Lead'), env: quick(org) });
    expect(result.exitCode).toBe(0);
    expect(statuses(result, 'Lead')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
  });
});
