/**
 * Which streams `read` reads: the configured catalog's, whatever the config's `objects` says
 * (`objects` bounds what check verifies and discover offers). docs/salesforce.md states this rule.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, type Message } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';

let org: TestOrg;
let discovered: Message;

beforeAll(async () => {
  org = await startOrg({ https: false, counts: { Account: 12, Lead: 7 } });
  discovered = (await runConnector('discover', { config: org.config, env: org.env })).catalog!;
});
afterAll(() => org.emulator.close());

describe('objects and the catalog', () => {
  it('read reads every stream of the catalog, also one the config leaves out of objects', async () => {
    const config = { ...org.config, objects: ['Account'] };
    const result = await runConnector('read', { config, catalog: configuredCatalog(discovered, 'full_refresh', ['Account', 'Lead']), env: org.env });
    expect(result.exitCode).toBe(0);
    expect(result.statusesOf('Lead')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(result.recordsOf('Lead')).toHaveLength(org.emulator.records('Lead').length);
    expect(result.recordsOf('Account')).toHaveLength(org.emulator.records('Account').length);
  });

  it('read reads only the catalog, not the other objects of the config', async () => {
    const result = await runConnector('read', { config: org.config, catalog: configuredCatalog(discovered, 'full_refresh', ['Lead']), env: org.env });
    expect(result.exitCode).toBe(0);
    expect([...new Set(result.records.map((m) => m.record.stream))]).toEqual(['Lead']);
  });

  it("discover offers only the config's objects", async () => {
    const narrow = await runConnector('discover', { config: { ...org.config, objects: ['Account'] }, env: org.env });
    expect(narrow.catalog!.catalog.streams.map((s: Message) => s.name)).toEqual(['Account']);
  });
});
