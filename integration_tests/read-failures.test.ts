import { describe, expect, it } from '@jest/globals';
import { runConnector, type Message } from './helpers/connector-runner.js';
import type { EmulatorOptions } from './emulator/index.js';
import { orgPerTestWithCatalog } from './helpers/org-per-test.js';
import { QUARTER_ORG_COUNTS, type TestOrg } from './helpers/org.js';

// Discovered once: the orgs below differ in data, sessions and faults, not in schema. What changes
// after discover (a field hidden, an object revoked) changes on the test's org. Read for a few fields
// (Account's Phone for the test that hides it): these tests are about streams, pages and sessions,
// not columns. A quarter-size org unless told otherwise: these tests hold at any size.
const setUp = orgPerTestWithCatalog(['Id', 'Name', 'LastName', 'Phone', 'SystemModstamp', 'IsDeleted'], { counts: QUARTER_ORG_COUNTS });
let catalog: Message;
async function startTestOrg(options: EmulatorOptions = {}): Promise<TestOrg> {
  const started = await setUp(options);
  catalog = started.catalog;
  return started.org;
}

const only = (...names: string[]): Message => ({ streams: catalog.streams.filter((s: Message) => names.includes(s.stream.name)) });

describe('read when the org changed since discover', () => {
  it('drops a field hidden since discover, says so, and still syncs', async () => {
    const org = await startTestOrg();
    org.emulator.hideField('Account', 'Phone');
    const result = await runConnector('read', { config: org.config, catalog: only('Account'), env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.recordsOf('Account').length).toBeGreaterThan(0);
    expect(result.recordsOf('Account').every((r) => !('Phone' in r))).toBe(true);
    expect(result.logs.map((l) => l.log.message).join('\n')).toMatch(/Account: Phone is in the catalog but no longer readable/);
  });

  it('marks a revoked object INCOMPLETE, finishes the others, and fails the sync with a summary', async () => {
    const org = await startTestOrg();
    org.emulator.revokeObject('Case');
    const result = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(result.exitCode).not.toBe(0);
    expect(result.statusesOf('Case')).toEqual(['STARTED', 'INCOMPLETE']);
    for (const object of ['Account', 'Contact', 'Lead', 'Opportunity', 'User']) {
      expect(result.statusesOf(object)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(result.recordsOf(object).length).toBeGreaterThan(0);
    }
    const caseError = result.errors.find((e) => e.trace.error.stream_descriptor?.name === 'Case')!;
    expect(caseError.trace.error.failure_type).toBe('config_error');
    expect(caseError.trace.error.message).toMatch(/cannot read Case/);
    // A config_error is fixed from its message; a stack trace would only bury it.
    expect(caseError.trace.error.stack_trace).toBeUndefined();
    const summary = result.errors.at(-1)!;
    expect(summary.trace.error.message).toMatch(/1 of 6 streams did not finish \(Case\)/);
  });

  it('re-mints an expired session mid-pagination without losing a page', async () => {
    // Pages of 25: some 20 pages, a session dying every 6 requests.
    const org = await startTestOrg({ tokenTtlRequests: 6, maxBatchSize: 25 });
    const result = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(org.emulator.tokensIssued).toBeGreaterThan(3);
    for (const object of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const) {
      expect(result.recordsOf(object).length).toBe(org.emulator.records(object, { includeDeleted: true }).length);
    }
  });

  it('renews the token before the session timeout instead of waiting for a 401', async () => {
    // Sessions die 0.5 s after minting; the connector is told to renew at 75 ms. One worker, pages of
    // 25 and 10 ms per request make the read last several renewal periods, with a wide margin for a busy CI.
    const org = await startTestOrg({ tokenTtlMs: 500, maxBatchSize: 25 });
    org.emulator.setFaults({ latencyMs: 10 });
    const before = org.emulator.requests.length;
    const env = { ...org.env, SOURCE_SALESFORCE_TOKEN_MAX_AGE_MS: '75' };
    const result = await runConnector('read', { config: { ...org.config, num_workers: 1 }, catalog, env });
    expect(result.exitCode).toBe(0);
    const during = org.emulator.requests.slice(before);
    expect(during.filter((r) => r.path.endsWith('/oauth2/token')).length).toBeGreaterThan(2);
    expect(during.filter((r) => r.status === 401)).toEqual([]);
  });

  it('treats a session refused right after minting as a config error, not a loop', async () => {
    const org = await startTestOrg({ tokenTtlRequests: 0 });
    const result = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(result.exitCode).not.toBe(0);
    expect(result.errors.at(-1)!.trace.error.failure_type).toBe('config_error');
    expect(result.errors.map((e) => e.trace.error.message).join('\n')).toMatch(/rejects every fresh session token/);
    expect(org.emulator.tokensIssued).toBeLessThanOrEqual(1 + 6 * 3);
  });

  it('logs the API calls used and the org usage at the end', async () => {
    const org = await startTestOrg();
    const result = await runConnector('read', { config: org.config, catalog: only('Account'), env: org.env });
    const last = result.logs.at(-1)!.log.message as string;
    expect(last).toMatch(/Account \d+ records\/\d+ calls/);
    expect(last).toMatch(/\d+ API calls and \d+ retries in all; the org has used \d+ of 15000 daily API requests/);
  });

  it('says so at the end when the catalog selects no streams', async () => {
    const org = await startTestOrg();
    const result = await runConnector('read', { config: org.config, catalog: { streams: [] }, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.logs.at(-1)!.log.message).toMatch(/^Read finished: the catalog selects no streams; 0 API calls and 0 retries in all/);
  });
});

describe('read with bad input', () => {
  const config = { hostname: 'http://127.0.0.1:9', client_id: 'a', client_secret: 'never-printed' };
  const stream = { name: 'Account', json_schema: { type: 'object', properties: { Id: { type: 'string' } } }, supported_sync_modes: ['full_refresh'] };

  it.each([
    ['a catalog that is not JSON', '{"streams": [', undefined, /catalog file .* is not valid JSON/],
    [
      'the config given as the catalog',
      config,
      undefined,
      /catalog file .* is no configured catalog \(it has no 'streams': the config or a state given as --catalog\?\)/,
    ],
    [
      'a state given as the catalog',
      [{ type: 'STREAM', stream: { stream_descriptor: { name: 'Account' }, stream_state: {} } }],
      undefined,
      /is no configured catalog/,
    ],
    [
      "discover's output (its CATALOG line) instead of a configured catalog",
      { type: 'CATALOG', catalog: { streams: [stream] } },
      undefined,
      /is discover's output, not a configured catalog: build one that sets each stream's sync mode, \{"streams": \[\{"stream": .*README/,
    ],
    [
      "discover's output saved whole (a LOG line, then the CATALOG) instead of a configured catalog",
      [
        JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'Discovered 1 streams with 2 API calls.' } }),
        JSON.stringify({ type: 'CATALOG', catalog: { streams: [stream] } }),
        '',
      ].join('\n'),
      undefined,
      /is discover's output, not a configured catalog: build one that sets each stream's sync mode/,
    ],
    [
      "the catalog inside discover's CATALOG message instead of a configured catalog",
      { streams: [stream] },
      undefined,
      /is discover's output, not a configured catalog/,
    ],
    [
      'an unknown stream',
      { streams: [{ stream: { ...stream, name: 'Widget' }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] },
      undefined,
      /unknown stream 'Widget'/,
    ],
    [
      'an invalid sync mode',
      { streams: [{ stream, sync_mode: 'INVALID', destination_sync_mode: 'overwrite' }] },
      undefined,
      /streams\.0\.sync_mode' must be one of/,
    ],
    [
      'a foreign cursor',
      { streams: [{ stream, sync_mode: 'incremental', cursor_field: ['Name'], destination_sync_mode: 'append' }] },
      undefined,
      /cursor for Account is \["SystemModstamp"\]/,
    ],
    [
      'a state that is not JSON',
      { streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append' }] },
      'nope',
      /state file .* is not valid JSON/,
    ],
  ])('refuses %s with a config_error before calling Salesforce', async (_what, catalog, state, message) => {
    const result = await runConnector('read', { config, catalog, state: state as Message | undefined });
    expect(result.exitCode).not.toBe(0);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].trace.error.failure_type).toBe('config_error');
    expect(result.errors[0].trace.error.message).toMatch(message);
    expect(result.records).toEqual([]);
  });
});
