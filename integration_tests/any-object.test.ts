/**
 * Objects beyond the six: named ones (a custom object, a history object, a licence object) and
 * `"*"` over an org with standard, history, licence, custom, cursor-less and Id-less objects and
 * the kinds "*" leaves out. Each runs check, discover, read and an incremental read on the state,
 * and every record the org holds arrives, on the cursor the object calls for.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, idsOf, runConnector, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';
import { nativeImport } from './helpers/native.js';

const { RICH_ORG_OBJECTS } = nativeImport<typeof import('./emulator/extra-objects.js')>(new URL('./emulator/extra-objects.js', import.meta.url));

const SMALL = { Account: 30, Contact: 40, Lead: 20, Opportunity: 20, Case: 20, User: 8 };
/** Ten records of each object beyond the six (the emulator's default is 40): the kinds matter here, not the volume. */
const TEN_OF_EACH = Object.fromEntries(RICH_ORG_OBJECTS.map((object) => [object, 10]));
/** These suites are about objects, not the wire: plain HTTP without gzip. */
const PLAIN = { https: false, gzip: false };

/** Ids delivered by a run and its follow-up, for one stream. */
const delivered = (runs: RunResult[], stream: string) => new Set(runs.flatMap((run) => idsOf(run.recordsOf(stream))));

function expectEverything(org: TestOrg, runs: RunResult[], stream: string, includeDeleted = true): void {
  const expected = idsOf(org.emulator.records(stream, { includeDeleted }));
  expect(expected.length).toBeGreaterThan(0);
  expect([...delivered(runs, stream)].sort()).toEqual([...expected].sort());
}

const streamOf = (catalog: Message, name: string) => catalog.catalog.streams.find((s: Message) => s.name === name);

describe('named objects: a custom object, a history object and a licence object', () => {
  let org: TestOrg;
  let discovered: RunResult;
  beforeAll(async () => {
    org = await startOrg(
      {
        ...PLAIN,
        objects: ['Account', 'Invoice__c', 'AccountHistory', 'UserLicense'],
        counts: { ...SMALL, Invoice__c: 60, AccountHistory: 80, UserLicense: 6 },
      },
      { objects: ['Account', 'Invoice__c', 'AccountHistory', 'UserLicense'] },
    );
    discovered = await runConnector('discover', { config: org.config, env: org.env });
  });
  afterAll(() => org.emulator.close());

  it('checks, discovers each cursor, reads everything and then only what changed', async () => {
    const check = await runConnector('check', { config: org.config, env: org.env });
    expect(check.connectionStatus?.connectionStatus.status).toBe('SUCCEEDED');

    expect(discovered.exitCode).toBe(0);
    const cursors = Object.fromEntries(discovered.catalog!.catalog.streams.map((s: Message) => [s.name, s.default_cursor_field]));
    expect(cursors).toEqual({ Account: ['SystemModstamp'], Invoice__c: ['SystemModstamp'], AccountHistory: ['CreatedDate'], UserLicense: ['SystemModstamp'] });
    // Field types the six do not have map as documented; base64 bodies are never selected.
    const invoice = streamOf(discovered.catalog!, 'Invoice__c').json_schema.properties;
    expect(invoice.Send_Time__c).toEqual({ type: ['null', 'string'], format: 'time', airbyte_type: 'time_with_timezone' });
    expect(invoice.Payment_Reference__c).toEqual({ type: ['null', 'string'] });
    expect(streamOf(discovered.catalog!, 'AccountHistory').json_schema.properties.OldValue).toEqual({ type: ['null', 'string'] });

    const catalog = configuredCatalog(discovered.catalog!, 'incremental');
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(first.exitCode).toBe(0);
    for (const stream of ['Account', 'Invoice__c', 'AccountHistory', 'UserLicense']) expectEverything(org, [first], stream);
    // anyType values arrive as strings, as the schema promises.
    expect(first.recordsOf('AccountHistory').every((r) => r.NewValue === null || typeof r.NewValue === 'string')).toBe(true);
    const historyState = first.lastStateOf('AccountHistory')!.state.stream.stream_state;
    expect(historyState.cursor_field).toBe('CreatedDate');
    expect(historyState.CreatedDate).toBe(
      first
        .recordsOf('AccountHistory')
        .map((r) => r.CreatedDate)
        .sort()
        .at(-1),
    );

    const invoices = org.emulator.records('Invoice__c');
    const updated = org.emulator.update('Invoice__c', String(invoices[2].Id), { Status__c: 'Paid' });
    const deleted = org.emulator.softDelete('Invoice__c', String(invoices[5].Id));
    const inserted = org.emulator.insert('Invoice__c', { Name: 'INV-NEW' });
    const history = org.emulator.insert('AccountHistory', { Field: 'Rating' });
    const licence = org.emulator.update('UserLicense', String(org.emulator.records('UserLicense')[0].Id), { UsedLicenses: 99 });
    const second = await runConnector('read', { config: org.config, catalog, state: stateFrom(first.states), env: org.env });
    expect(second.exitCode).toBe(0);
    expect(idsOf(second.recordsOf('Invoice__c'))).toEqual(expect.arrayContaining([updated.Id, deleted.Id, inserted.Id]));
    expect(second.recordsOf('Invoice__c').find((r) => r.Id === deleted.Id)?.IsDeleted).toBe(true);
    expect(idsOf(second.recordsOf('AccountHistory'))).toEqual([history.Id]);
    expect(second.recordsOf('UserLicense').find((r) => r.Id === licence.Id)?.UsedLicenses).toBe(99);
    // The second read brings only changes (and its look-back window), never the whole object again.
    expect(second.recordsOf('Invoice__c').length).toBeLessThan(invoices.length / 2);
    for (const stream of ['Account', 'Invoice__c', 'AccountHistory', 'UserLicense']) expectEverything(org, [first, second], stream);
  });

  it('suggests the closest names for an object the org does not have', async () => {
    const check = await runConnector('check', { config: { ...org.config, objects: ['Account', 'Invoice_c'] }, env: org.env });
    expect(check.connectionStatus?.connectionStatus.status).toBe('FAILED');
    expect(check.connectionStatus?.connectionStatus.message).toMatch(
      /The integration user cannot read Invoice_c \(the org does not list it; did you mean Invoice__c\?\)/,
    );
  });

  it('reads a state saved on another cursor again from the start instead of misreading it', async () => {
    const catalog = configuredCatalog(discovered.catalog!, 'incremental', ['AccountHistory']);
    // A state from a release that keyed AccountHistory on SystemModstamp (a state without cursor_field).
    const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'AccountHistory' }, stream_state: { SystemModstamp: '2030-01-01T00:00:00.000Z' } } }];
    const run = await runConnector('read', { config: org.config, catalog, state, env: org.env });
    expect(run.exitCode).toBe(0);
    expect(run.logs.map((l) => l.log.message)).toContainEqual(
      expect.stringMatching(/AccountHistory: the state holds a SystemModstamp cursor but AccountHistory is now read on CreatedDate/),
    );
    expectEverything(org, [run], 'AccountHistory');
  });
});

describe('"*" on an org with every kind of object', () => {
  let org: TestOrg;
  let discovered: RunResult;
  beforeAll(async () => {
    org = await startOrg(
      {
        ...PLAIN,
        objects: [...RICH_ORG_OBJECTS, 'Shipment__c'],
        customObjects: [{ name: 'Shipment__c', fields: { Carrier__c: 'string', Weight__c: 'double', Shipped__c: 'date' } }],
        // The Run As user cannot see Shipment__c.SystemModstamp: its cursor falls back to LastModifiedDate.
        hiddenFields: { Shipment__c: ['SystemModstamp'] },
        counts: { ...TEN_OF_EACH, ...SMALL },
        queryAllUnsupportedObjects: ['PermissionSetLicenseAssign'],
      },
      { objects: ['*'] },
    );
    discovered = await runConnector('discover', { config: org.config, env: org.env });
  });
  afterAll(() => org.emulator.close());

  it('checks the token and a sample, not every object', async () => {
    const before = org.emulator.apiCalls;
    const check = await runConnector('check', { config: org.config, env: org.env });
    expect(check.connectionStatus?.connectionStatus).toEqual({
      status: 'SUCCEEDED',
      message: expect.stringMatching(/"\*" selects 26 objects, and Account, Contact, Lead are readable\./),
    });
    // The global describe, then a describe and a query for each of the three sampled.
    expect(org.emulator.apiCalls - before).toBe(7);
  });

  it('discovers every replicable object, each with its cursor, and says why the others are left out', () => {
    expect(discovered.exitCode).toBe(0);
    const streams = discovered.catalog!.catalog.streams as Message[];
    const names = streams.map((s) => s.name);
    expect(names.slice(0, 6)).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']);
    for (const left of [
      'AccountFeed',
      'AccountShare',
      'Order_Event__e',
      'Legacy_Ledger__x',
      'Archive_Record__b',
      'ContentDocumentLink',
      'ProcessWorkitemSummary',
    ]) {
      expect(names).not.toContain(left);
    }
    const logs = discovered.logs.map((l) => l.log.message).join('\n');
    expect(logs).toMatch(/Left out of "\*" \(not queryable\): ProcessWorkitemSummary\./);
    expect(logs).toMatch(/Left out of "\*" \(feed objects: [^)]*\): AccountFeed\./);
    expect(logs).toMatch(/Left out of "\*" \(share objects: [^)]*\): AccountShare\./);
    expect(logs).toMatch(/Left out of "\*" \(external objects \(__x\): .*\): Legacy_Ledger__x\./);
    const cursorOf = (name: string) => streams.find((s) => s.name === name)?.default_cursor_field;
    expect(cursorOf('Task')).toEqual(['SystemModstamp']);
    expect(cursorOf('OpportunityFieldHistory')).toEqual(['CreatedDate']);
    expect(cursorOf('Shipment__c')).toEqual(['LastModifiedDate']);
    const login = streams.find((s) => s.name === 'LoginHistory')!;
    expect(login).toMatchObject({ supported_sync_modes: ['full_refresh'], source_defined_cursor: false, source_defined_primary_key: [['Id']] });
    const snapshot = streams.find((s) => s.name === 'OrgUsageSnapshot')!;
    expect(snapshot).toMatchObject({ supported_sync_modes: ['full_refresh'], is_resumable: false });
    expect(snapshot.source_defined_primary_key).toBeUndefined();
    // base64 bodies are left out of the schema (and so of every query).
    expect(Object.keys(streams.find((s) => s.name === 'Attachment')!.json_schema.properties)).not.toContain('Body');
  });

  it('reads every stream, then each cursor kind incrementally without loss, an object refusing queryAll through query', async () => {
    const catalog = configuredCatalog(discovered.catalog!, 'incremental');
    const first = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(first.errors).toEqual([]);
    expect(first.exitCode).toBe(0);
    for (const stream of catalog.streams.map((s: Message) => s.stream.name as string).filter((name: string) => name !== 'OrgUsageSnapshot')) {
      // queryAll refused: soft-deleted rows of PermissionSetLicenseAssign are not visible to query.
      expectEverything(
        org,
        [first],
        stream,
        stream !== 'PermissionSetLicenseAssign' && catalog.streams.find((s: Message) => s.stream.name === stream).sync_mode === 'incremental',
      );
    }
    // Without Id there is nothing to compare but the count.
    expect(first.recordsOf('OrgUsageSnapshot')).toHaveLength(org.emulator.records('OrgUsageSnapshot').length);
    const warnings = first.logs.map((l) => l.log.message).filter((m: string) => /refuse/.test(m));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^PermissionSetLicenseAssign: Salesforce refuses queryAll on this object \(EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION\), so it is read with query: records deleted since the last sync are not visible/,
      ),
    ]);

    const changes = {
      Task: org.emulator.insert('Task', {}).Id,
      OpportunityFieldHistory: org.emulator.insert('OpportunityFieldHistory', {}).Id,
      Shipment__c: org.emulator.update('Shipment__c', String(org.emulator.records('Shipment__c')[0].Id), { Carrier__c: 'Fast Freight' }).Id,
      PermissionSetLicenseAssign: org.emulator.insert('PermissionSetLicenseAssign', {}).Id,
    };
    // The second read takes one stream of each kind: a SystemModstamp, a CreatedDate and a
    // LastModifiedDate cursor, an object read with query, and the two full-refresh-only streams.
    const kinds = configuredCatalog(discovered.catalog!, 'incremental', [...Object.keys(changes), 'LoginHistory', 'OrgUsageSnapshot']);
    const second = await runConnector('read', { config: org.config, catalog: kinds, state: stateFrom(first.states), env: org.env });
    expect(second.exitCode).toBe(0);
    expect(second.errors).toEqual([]);
    for (const [stream, id] of Object.entries(changes)) expect(idsOf(second.recordsOf(stream))).toContain(id);
    expect(second.recordsOf('OpportunityFieldHistory')).toHaveLength(1);
    expect(second.lastStateOf('Shipment__c')!.state.stream.stream_state.cursor_field).toBe('LastModifiedDate');
    for (const stream of ['Task', 'OpportunityFieldHistory', 'Shipment__c']) expectEverything(org, [first, second], stream);
    // Full-refresh-only streams are read whole each time.
    expect(idsOf(second.recordsOf('LoginHistory')).sort()).toEqual(idsOf(org.emulator.records('LoginHistory')).sort());
    expect(second.recordsOf('OrgUsageSnapshot')).toHaveLength(org.emulator.records('OrgUsageSnapshot').length);
  });
});

describe('refusals across windows', () => {
  let org: TestOrg;
  beforeAll(async () => {
    org = await startOrg(
      {
        ...PLAIN,
        objects: ['Task', 'PermissionSetLicenseAssign'],
        counts: { ...SMALL, Task: 60 },
        queryTimeoutRows: 20,
        bulkUnsupportedObjects: ['Task'],
        queryAllUnsupportedObjects: ['Task'],
      },
      { objects: ['Task', 'PermissionSetLicenseAssign'], read_api: 'bulk' },
    );
  });
  afterAll(() => org.emulator.close());

  it('asks once per object: later windows go straight to REST and query', async () => {
    const discovered = await runConnector('discover', { config: org.config, env: org.env });
    const run = await runConnector('read', { config: org.config, catalog: configuredCatalog(discovered.catalog!, 'incremental', ['Task']), env: org.env });
    expect(run.exitCode).toBe(0);
    const messages = run.logs.map((l) => l.log.message);
    // Salesforce timed out on the whole object: the read went on in several windows.
    expect(messages.filter((m: string) => /^Task: Salesforce timed out on the window/.test(m)).length).toBeGreaterThan(1);
    expect(messages.filter((m: string) => /Task: Salesforce refused a Bulk job/.test(m))).toHaveLength(1);
    expect(messages.filter((m: string) => /Task: Salesforce refuses queryAll/.test(m))).toHaveLength(1);
    expect(org.emulator.requests.filter((r) => r.path.endsWith('/queryAll') && /FROM Task/.test(r.query ?? '')).length).toBe(1);
    expectEverything(org, [run], 'Task', false);
  });
});
