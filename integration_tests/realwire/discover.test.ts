/**
 * check and discover against recorded describes and a recorded global describe of 1,294 objects:
 * every object of the org is either offered or left out for a reason the connector itself gives,
 * and every field of every recorded describe gets a schema.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { runConnector, type Message, type RunResult } from '../helpers/connector-runner.js';
import { nativeImport } from '../helpers/native.js';
import { startReplayOrg, type ReplayOrg } from './replay-org.js';
import { realwireSuite } from './suite.js';

const { CUMULUSCI, cassetteCalls, nangoCalls, personAccountDescribe, recordedDescribes } = nativeImport<typeof import('./recordings.js')>(
  new URL('./recordings.js', import.meta.url),
);
const { exclusionReason } = nativeImport<typeof import('../../connector/salesforce/catalog/exclusions.js')>(
  new URL('../../connector/salesforce/catalog/exclusions.js', import.meta.url),
);
const { FORMULA_DESCRIPTION, catalogStreamFor } = {
  ...nativeImport<typeof import('../../connector/salesforce/schema/field-mapping.js')>(
    new URL('../../connector/salesforce/schema/field-mapping.js', import.meta.url),
  ),
  catalogStreamFor: nativeImport<typeof import('../../connector/salesforce/commands/discover.js')>(
    new URL('../../connector/salesforce/commands/discover.js', import.meta.url),
  ).catalogStream,
};

/**
 * What each Salesforce field type becomes: every type the recordings hold must be here, so a type
 * the connector never considered fails this suite instead of passing as a string.
 */
const EXPECTED_SCHEMA: Record<string, Record<string, unknown> | null> = {
  id: { type: ['null', 'string'] },
  reference: { type: ['null', 'string'] },
  string: { type: ['null', 'string'] },
  textarea: { type: ['null', 'string'] },
  picklist: { type: ['null', 'string'] },
  multipicklist: { type: ['null', 'string'] },
  combobox: { type: ['null', 'string'] },
  email: { type: ['null', 'string'] },
  phone: { type: ['null', 'string'] },
  url: { type: ['null', 'string'] },
  encryptedstring: { type: ['null', 'string'] },
  boolean: { type: ['null', 'boolean'] },
  int: { type: ['null', 'integer'] },
  long: { type: ['null', 'integer'] },
  double: { type: ['null', 'number'] },
  currency: { type: ['null', 'number'] },
  percent: { type: ['null', 'number'] },
  date: { type: ['null', 'string'], format: 'date' },
  datetime: { type: ['null', 'string'], format: 'date-time' },
  time: { type: ['null', 'string'], format: 'time' },
  address: { type: ['null', 'object'] },
  location: { type: ['null', 'object'] },
  anyType: { type: ['null', 'string'] },
  base64: null, // a URL per record, not a value: left out
};

type Describe = { name: string; fields: Array<{ name: string; type: string; calculated: boolean }> };

/** Each field of `describe` whose schema in `stream` is not the one its type must get, with what it got. */
function mistypedFields(describe: Describe, stream: Message): string[] {
  const properties = stream.json_schema.properties;
  const problems: string[] = [];
  // Checked in plain code and reported at once: an expect() per field cost more than the discover.
  for (const field of describe.fields) {
    const label = `${describe.name}.${field.name} (${field.type})`;
    const schema = properties[field.name];
    const expected = EXPECTED_SCHEMA[field.type];
    if (expected === undefined) problems.push(`${label}: a type this suite does not know`);
    else if (expected === null) {
      if (schema !== undefined) problems.push(`${label}: ${JSON.stringify(schema)} instead of left out`);
    } else if (!schema || Object.entries(expected).some(([key, value]) => JSON.stringify(schema[key]) !== JSON.stringify(value)))
      problems.push(`${label}: ${JSON.stringify(schema)} instead of ${JSON.stringify(expected)}`);
    else if (field.calculated && schema.description !== FORMULA_DESCRIPTION)
      problems.push(`${label}: a formula described ${JSON.stringify(schema.description)}`);
  }
  return problems;
}

const logsOf = (result: RunResult, level: string) => result.logs.filter((m) => m.log.level === level).map((m) => m.log.message as string);

realwireSuite('realwire: check and discover over recorded describes', () => {
  let org: ReplayOrg;
  let every: RunResult;
  const globalObjects: Array<{ name: string; queryable: boolean }> = [];
  const describes = new Map<string, Describe>();

  beforeAll(async () => {
    org = await startReplayOrg({}, { objects: ['*'] });
    globalObjects.push(...nangoCalls('describe-global')[0].response.sobjects);
    for (const [name, text] of recordedDescribes()) describes.set(name, JSON.parse(text));
    every = await runConnector('discover', { config: org.config, env: org.env });
  });
  afterAll(() => org.server.close());

  it('offers every object of the recorded org, or leaves it out with the reason the connector gives', () => {
    expect(every.exitCode).toBe(0);
    expect(globalObjects).toHaveLength(1294);
    const offered = every.catalog!.catalog.streams.map((s: Message) => s.name);
    const info = logsOf(every, 'INFO');
    const warned = logsOf(every, 'WARN').find((m) => m.startsWith('Left out of "*" because Salesforce would not describe them'));
    const byReason = new Map<string, string[]>();
    const unsaid: string[] = [];
    for (const object of globalObjects) {
      const reason = exclusionReason(object);
      if (reason) {
        if (!byReason.has(reason)) byReason.set(reason, []);
        byReason.get(reason)!.push(object.name);
      } else if (!describes.has(object.name)) {
        // Listed and allowed, but no describe was recorded: the replay answers the recorded NOT_FOUND, and "*" says so.
        if (!warned?.includes(`${object.name} (`)) unsaid.push(object.name);
      }
    }
    expect(unsaid).toEqual([]);
    // Every reason's line names its objects (the first 20, then a count).
    for (const [reason, objects] of byReason) {
      const line = info.find((m) => m.startsWith(`Left out of "*" (${reason}): `));
      expect(line).toBeDefined();
      const more = /and (\d+) more\.$/.exec(line!);
      expect(line).toContain(objects.slice(0, 20).join(', '));
      expect(more ? 20 + Number(more[1]) : objects.length).toBe(objects.length);
    }
    // The not-queryable ones are the 173 the recorded global describe marks so.
    expect(byReason.get('not queryable')).toHaveLength(globalObjects.filter((o) => o.queryable === false).length);
    const recordedAndAllowed = globalObjects.filter((o) => !exclusionReason(o) && describes.has(o.name)).map((o) => o.name);
    expect([...offered].sort()).toEqual([...recordedAndAllowed].sort());
    expect(offered.slice(0, 5)).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case']);
    expect(warned).toMatch(/User \(.+\)/);
  });

  it('types every field of every recorded describe', () => {
    const problems = every.catalog!.catalog.streams.flatMap((stream: Message) => mistypedFields(describes.get(stream.name)!, stream));
    // Custom__c is in no recorded global describe: its describe goes through the same mapping directly.
    const custom = describes.get('Custom__c')!;
    expect([...problems, ...mistypedFields(custom, catalogStreamFor('Custom__c', custom as never))]).toEqual([]);
  });

  it('offers incremental on SystemModstamp and Id for the recorded objects', () => {
    for (const stream of every.catalog!.catalog.streams) {
      expect({ name: stream.name, modes: stream.supported_sync_modes, cursor: stream.default_cursor_field, key: stream.source_defined_primary_key }).toEqual({
        name: stream.name,
        modes: ['full_refresh', 'incremental'],
        cursor: ['SystemModstamp'],
        key: [['Id']],
      });
    }
  });

  it('describes all the objects in Composite calls of 25', () => {
    const composites = org.server.requests.filter((r) => r.path.endsWith('/composite'));
    const described = globalObjects.filter((o) => !exclusionReason(o)).length;
    expect(composites).toHaveLength(Math.ceil(described / 25));
  });

  it('types all 250 fields of a Person Account describe, formulas and __pc fields included', async () => {
    const describe = personAccountDescribe();
    const person = await startReplayOrg({ describes: new Map([['Account', describe]]) }, { objects: ['Account'] });
    try {
      const result = await runConnector('discover', { config: person.config, env: person.env });
      expect(result.exitCode).toBe(0);
      const parsed = JSON.parse(describe) as Describe;
      expect(parsed.fields).toHaveLength(250);
      const [stream] = result.catalog!.catalog.streams;
      expect(mistypedFields(parsed, stream)).toEqual([]);
      expect(parsed.fields.filter((f) => f.calculated).length).toBeGreaterThan(0);
      expect(Object.keys(stream.json_schema.properties).some((name) => name.endsWith('__pc'))).toBe(true);
    } finally {
      await person.server.close();
    }
  });

  it('discovers over a global describe written with spaces (json.dumps), as another org sent it', async () => {
    const spaced = cassetteCalls(`${CUMULUSCI}/tests/shared_cassettes/GET_sobjects_Global_describe.yaml`)[0].body;
    const other = await startReplayOrg({ globalDescribe: spaced }, { objects: ['Account', 'Contact', 'Opportunity', 'Case'] });
    try {
      const result = await runConnector('discover', { config: other.config, env: other.env });
      expect(result.exitCode).toBe(0);
      expect(result.catalog!.catalog.streams.map((s: Message) => s.name)).toEqual(['Account', 'Contact', 'Opportunity', 'Case']);
    } finally {
      await other.server.close();
    }
  });

  it('check succeeds over the recorded org, for named objects and for "*"', async () => {
    const named = await startReplayOrg({}, { objects: ['Account', 'Contact', 'Opportunity', 'Case'] });
    try {
      const result = await runConnector('check', { config: named.config, env: named.env });
      expect(result.connectionStatus!.connectionStatus).toEqual({
        status: 'SUCCEEDED',
        message: `Connected to ${named.server.url.replace('http://', '')}; Account, Contact, Opportunity, Case are readable.`,
      });
      // Each object was proven with the probe query, answered from its recorded records.
      expect(named.server.requests.filter((r) => r.soql).map((r) => r.soql)).toEqual(
        ['Account', 'Contact', 'Opportunity', 'Case'].map((o) => `SELECT Id FROM ${o} LIMIT 1`),
      );
    } finally {
      await named.server.close();
    }
    const result = await runConnector('check', { config: org.config, env: org.env });
    expect(result.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
    expect(result.connectionStatus!.connectionStatus.message).toMatch(/"\*" selects \d+ objects, and Account, Contact, Lead are readable\.$/);
  });
});
