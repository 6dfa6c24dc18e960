import { afterEach, describe, expect, it } from '@jest/globals';
import { runConnector } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';

let org: TestOrg | undefined;
afterEach(async () => {
  await org?.emulator.close();
  org = undefined;
});

/**
 * A check reads a describe and one record per object: a few records each do. Over plain HTTP without
 * gzip unless a test asks for HTTPS; the two tests about TLS start their orgs over HTTPS.
 */
const SMALL_ORG = { https: false, gzip: false, counts: { Account: 10, Contact: 10, Lead: 10, Opportunity: 10, Case: 10, User: 5 } };

/** Runs check against a fresh org, with `credentials` merged into the org config's login fields and `extra` beside them. */
async function check(options: Parameters<typeof startOrg>[0] = {}, credentials: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  org = await startOrg({ ...SMALL_ORG, ...options }, extra);
  const config = { ...org.config, credentials: { ...(org.config.credentials as Record<string, unknown>), ...credentials } };
  const result = await runConnector('check', { config, env: org.env });
  expect(result.exitCode).toBe(0);
  expect(result.messages.filter((m) => m.type === 'CONNECTION_STATUS')).toHaveLength(1);
  return result;
}

describe('check', () => {
  it('succeeds over HTTPS trusted through NODE_EXTRA_CA_CERTS and proves every object readable', async () => {
    const result = await check({ https: true });
    expect(result.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
    const queried = org!.emulator.requests.filter((r) => r.query?.includes('LIMIT 1')).map((r) => r.query);
    expect(queried).toHaveLength(6);
  });

  it('also works over plain http on loopback', async () => {
    const result = await check({ https: false });
    expect(result.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
  });

  it.each([
    ['an unknown client_id', {}, { client_id: 'nope' }, /Consumer Key/],
    ['a wrong client_secret', {}, { client_secret: 'wrong-secret' }, /client_secret/],
    ['an app without a Run As user', { clients: [{ clientId: 'demo-client-id', clientSecret: 'demo-client-secret', runAsUser: false }] }, {}, /Run As/],
    [
      'an app without the flow',
      { clients: [{ clientId: 'demo-client-id', clientSecret: 'demo-client-secret', flowEnabled: false }] },
      {},
      /Client Credentials Flow/,
    ],
    ['a host that is not My Domain', { myDomain: false }, {}, /My Domain/],
    ['API access disabled for the user', { apiDisabled: true }, {}, /API Enabled/],
  ])('fails with %s and says how to fix it', async (_what, options, credentials, message) => {
    const result = await check(options, credentials);
    expect(result.connectionStatus!.connectionStatus.status).toBe('FAILED');
    expect(result.connectionStatus!.connectionStatus.message).toMatch(message);
  });

  it('lists every object the Run As user cannot read, and passes once they are deselected', async () => {
    const failed = await check({ grantedObjects: ['Account', 'Contact', 'Lead', 'User'] });
    const message = failed.connectionStatus!.connectionStatus.message as string;
    expect(failed.connectionStatus!.connectionStatus.status).toBe('FAILED');
    expect(message).toMatch(/cannot read Opportunity.*permission set/);
    expect(message).toMatch(/cannot read Case/);
    expect(message).not.toMatch(/cannot read Account/);
    await org!.emulator.close();
    const passed = await check({ grantedObjects: ['Account', 'Contact', 'Lead', 'User'] }, {}, { objects: ['Account', 'Contact', 'Lead', 'User'] });
    expect(passed.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
  });

  it('fails when field-level security hides the cursor, naming the field on every object it hides', async () => {
    const result = await check({ hiddenFields: { Lead: ['SystemModstamp'], Case: ['SystemModstamp'] } });
    expect(result.connectionStatus!.connectionStatus.status).toBe('FAILED');
    expect(result.connectionStatus!.connectionStatus.message).toMatch(/Lead\.SystemModstamp.*field-level security/);
    expect(result.connectionStatus!.connectionStatus.message).toMatch(/Case\.SystemModstamp.*field-level security/);
  });

  it('warns about hidden standard fields without failing', async () => {
    const result = await check({ hiddenFields: { Account: ['Credit_Score__c', 'AnnualRevenue'] } });
    expect(result.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
    expect(result.logs.map((l) => l.log.message).join('\n')).toMatch(/Account: AnnualRevenue hidden by field-level security/);
  });

  it('fails when the certificate is not trusted, pointing at NODE_EXTRA_CA_CERTS', async () => {
    org = await startOrg({ ...SMALL_ORG, https: true });
    const result = await runConnector('check', { config: org.config, env: { NODE_EXTRA_CA_CERTS: '' } });
    expect(result.connectionStatus!.connectionStatus.status).toBe('FAILED');
    expect(result.connectionStatus!.connectionStatus.message).toMatch(/not trusted.*NODE_EXTRA_CA_CERTS/);
  });

  it('fails for a host where nothing listens, and for the shared login host', async () => {
    const closed = await runConnector('check', { config: { hostname: 'http://127.0.0.1:9', client_id: 'a', client_secret: 'bbbb' } });
    expect(closed.connectionStatus!.connectionStatus.status).toBe('FAILED');
    expect(closed.connectionStatus!.connectionStatus.message).toMatch(/check the hostname/);
    const login = await runConnector('check', { config: { hostname: 'login.salesforce.com', client_id: 'a', client_secret: 'bbbb' } });
    expect(login.connectionStatus!.connectionStatus.message).toMatch(/only works on your org's My Domain host/);
  });

  it('honours the configured api_budget_percent, in check and in discover', async () => {
    // Allocations just large enough for the calls (check: a describe and a probe per object, 12 in
    // all; discover: 6 describes), so their usage crosses the default 80 % but never reaches 100 %.
    const generous = await check({ dailyApiLimit: 13 }, {}, { api_budget_percent: 100 });
    expect(generous.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
    await org!.emulator.close();
    const strict = await check({ dailyApiLimit: 13 }, {}, { api_budget_percent: 50 });
    expect(strict.connectionStatus!.connectionStatus).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/api_budget_percent \(50%\)/) });
    await org!.emulator.close();
    org = await startOrg({ ...SMALL_ORG, dailyApiLimit: 6 });
    const discover = await runConnector('discover', { config: { ...org.config, api_budget_percent: 100 }, env: org.env });
    expect(discover.errors).toEqual([]);
    expect(discover.catalog!.catalog.streams).toHaveLength(6);
  });

  it('reports an invalid config file as FAILED naming the field', async () => {
    const result = await runConnector('check', { config: { hostname: 'acme.my.salesforce.com', client_secret: 'x' } });
    expect(result.exitCode).toBe(0);
    expect(result.connectionStatus!.connectionStatus.message).toMatch(/field 'client_id' is missing, but auth_type client_credentials needs it/);
  });
});
