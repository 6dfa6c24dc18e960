/**
 * Object names matched whatever their case, as Salesforce does (`account` finds Account): in the
 * config's `objects` for check and discover, and in a catalog's stream names for read. What the
 * connector prints keeps Salesforce's spelling.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, type Message } from './helpers/connector-runner.js';
import { QUARTER_ORG_COUNTS, startOrg, type TestOrg } from './helpers/org.js';

let org: TestOrg;
let config: Record<string, unknown>;

beforeAll(async () => {
  org = await startOrg({ counts: QUARTER_ORG_COUNTS });
  config = { ...org.config, objects: ['account', 'CONTACT', 'Account'] };
});
afterAll(() => org.emulator.close());

describe('object names in another case than Salesforce spells them', () => {
  it('check accepts them and names each once, as Salesforce spells it', async () => {
    const result = await runConnector('check', { config, env: org.env });
    expect(result.connectionStatus!.connectionStatus).toEqual({ status: 'SUCCEEDED', message: expect.stringMatching(/; Account, Contact are readable\.$/) });
  });

  it('discover offers each once, under the name Salesforce spells', async () => {
    const result = await runConnector('discover', { config, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.catalog!.catalog.streams.map((s: Message) => s.name)).toEqual(['Account', 'Contact']);
  });

  it("read takes a catalog's stream in another case as the object, names it as Salesforce does, and says so", async () => {
    const discovered = await runConnector('discover', { config, env: org.env });
    const catalog = configuredCatalog(discovered.catalog!, 'incremental', ['Account']);
    catalog.streams[0].stream.name = 'account';
    const result = await runConnector('read', { config, catalog, env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.recordsOf('Account')).toHaveLength(org.emulator.records('Account', { includeDeleted: true }).length);
    expect(result.records.filter((m) => m.record.stream !== 'Account')).toEqual([]);
    expect(result.statusesOf('Account')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(result.lastStateOf('Account')).toBeDefined();
    expect(result.logs.map((l) => l.log.message)).toContain(
      "The catalog's stream 'account' is Salesforce's Account (names match whatever their case): its records, states and statuses are named Account.",
    );
  });

  it('read refuses a catalog naming one stream twice in two cases', async () => {
    const discovered = await runConnector('discover', { config, env: org.env });
    const catalog = configuredCatalog(discovered.catalog!, 'incremental', ['Account']);
    catalog.streams.push({ ...catalog.streams[0], stream: { ...catalog.streams[0].stream, name: 'ACCOUNT' } });
    const result = await runConnector('read', { config, catalog, env: org.env });
    expect(result.exitCode).not.toBe(0);
    expect(result.errors.map((e) => e.trace.error.message)).toEqual([expect.stringMatching(/lists the stream Account twice/)]);
  });
});
