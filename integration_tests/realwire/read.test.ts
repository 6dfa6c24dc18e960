/**
 * read over recorded query pages (2,000 + 86 Accounts with a 13-record tie, 213 Contacts with
 * multi-line streets and null address parts, 26 Cases, 31 Opportunities with numeric Amounts), with
 * the recorded describes of their objects: every record once, each value as recorded after the
 * connector's documented shaping (no `attributes`, `+0000` datetimes as `Z`), valid against the
 * stream's schema, over compact and pretty-printed pages, in full refresh and incremental.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { configuredCatalog, runConnector, stateFrom, type Message, type RunResult } from '../helpers/connector-runner.js';
import { nativeImport } from '../helpers/native.js';
import type { RecordedQuery } from './recordings.js';
import { RECORDED_TABLES, startReplayOrg, type ReplayOrg } from './replay-org.js';
import { realwireSuite } from './suite.js';

const { recordValidator } = nativeImport<typeof import('../helpers/protocol-validator.js')>(new URL('../helpers/protocol-validator.js', import.meta.url));
const { recordedFile, recordedQuery } = nativeImport<typeof import('./recordings.js')>(new URL('./recordings.js', import.meta.url));
const { documentedRecord, notAsDocumented } = nativeImport<typeof import('./expected-records.js')>(new URL('./expected-records.js', import.meta.url));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded records

const OBJECTS = ['Account', 'Contact', 'Case', 'Opportunity'];

/** The configured catalog: each recorded object's stream, narrowed to the columns its query recorded. */
function recordedColumns(catalog: Message, queries: readonly RecordedQuery[], mode: 'full_refresh' | 'incremental'): Message {
  const configured = configuredCatalog(catalog, mode, OBJECTS);
  for (const entry of configured.streams) {
    const { fields } = queries.find((q) => q.object === entry.stream.name)!;
    const properties = entry.stream.json_schema.properties;
    entry.stream.json_schema.properties = Object.fromEntries(fields.map((f) => [f, properties[f]]));
  }
  return configured;
}

realwireSuite('realwire: read over recorded query pages', () => {
  const queries = RECORDED_TABLES.map((name) => recordedQuery(name));
  let catalog: Message;
  /** Each stream's schema compiled once, for the reads of the same catalog. */
  const validators = new Map<string, ReturnType<typeof recordValidator>>();
  const validatorOf = (object: string) => {
    if (!validators.has(object)) {
      const stream = catalog.catalog.streams.find((s: Message) => s.name === object);
      validators.set(object, recordValidator({ ...stream.json_schema, properties: stream.json_schema.properties }));
    }
    return validators.get(object)!;
  };
  /** Salesforce's answer to Get Deleted, served to the incremental read (which has no deletions to list until its state says since when). */
  const deleted = recordedFile('restforce__restforce/spec/fixtures/sobject/get_deleted_success_response.json');

  beforeAll(async () => {
    const org = await startReplayOrg({}, { objects: OBJECTS });
    try {
      catalog = (await runConnector('discover', { config: org.config, env: org.env })).catalog!;
    } finally {
      await org.server.close();
    }
  });

  // Page form and sync mode are independent paths (the slicer cuts records the same way in either mode): two reads cover the four.
  const runs: Array<[string, boolean, 'full_refresh' | 'incremental']> = [
    ['compact', false, 'full_refresh'],
    ['pretty-printed', true, 'incremental'],
  ];
  describe.each(runs)('%s pages, pretty %s, %s', (_label, pretty, mode) => {
    let org: ReplayOrg;
    let read: RunResult;

    beforeAll(async () => {
      org = await startReplayOrg({ pretty, ...(mode === 'incremental' ? { deleted } : {}) }, { objects: OBJECTS });
      read = await runConnector('read', { config: org.config, catalog: recordedColumns(catalog, queries, mode), env: org.env });
    });
    afterAll(() => org.server.close());

    it('delivers every recorded record once, with its values as recorded after shaping', () => {
      expect(read.errors).toEqual([]);
      expect(read.exitCode).toBe(0);
      for (const query of queries) {
        const stream = catalog.catalog.streams.find((s: Message) => s.name === query.object);
        const datetimes = new Set(
          Object.entries<Json>(stream.json_schema.properties)
            .filter(([, schema]) => schema.format === 'date-time')
            .map(([name]) => name),
        );
        const recorded = query.pages.flatMap((page) => page.records as Json[]);
        expect(recorded).toHaveLength(query.pages[0].totalSize);
        const got = read.recordsOf(query.object);
        expect(got).toHaveLength(recorded.length);
        const byId = new Map(got.map((r) => [r.Id, r]));
        expect(byId.size).toBe(recorded.length);
        // One comparison of the whole stream (an expect per record costs more than the read), and only of the
        // records whose JSON differs from the documented one: Jest's matcher over them all cost more than the read too.
        const differing = notAsDocumented(recorded, byId, datetimes);
        expect(differing.map((record) => byId.get(record.Id))).toEqual(differing.map((record) => documentedRecord(record, datetimes)));
      }
    });

    it('delivers records valid against the stream schema', () => {
      for (const object of OBJECTS) {
        const validate = validatorOf(object);
        for (const record of read.recordsOf(object)) {
          const data: unknown = record;
          if (!validate(data)) throw new Error(`${object} ${record.Id}: ${JSON.stringify(validate.errors)}`);
        }
      }
    });

    it('asks for the recorded columns in (SystemModstamp, Id) order and follows the recorded locators', () => {
      const endpoint = mode === 'incremental' ? 'queryAll' : 'query';
      for (const query of queries) {
        const asked = org.server.requests.filter((r) => r.soql && new RegExp(` FROM ${query.object}\\b`).test(r.soql));
        expect(asked).toHaveLength(1);
        expect(asked[0].path).toMatch(new RegExp(`/${endpoint}$`));
        expect(asked[0].soql).toMatch(/ ORDER BY SystemModstamp ASC,Id ASC$/);
        const columns = /^SELECT (.+) FROM /.exec(asked[0].soql!)![1].split(',');
        expect([...columns].sort()).toEqual([...query.fields].sort());
        for (const locator of query.locators) expect(org.server.requests.some((r) => r.path === locator)).toBe(true);
      }
    });

    it('keeps the tie of 13 Accounts on one SystemModstamp whole, and ends on the newest stamp', () => {
      const accounts = read.recordsOf('Account');
      const stamps = new Map<string, number>();
      for (const r of accounts) stamps.set(r.SystemModstamp, (stamps.get(r.SystemModstamp) ?? 0) + 1);
      expect(Math.max(...stamps.values())).toBeGreaterThanOrEqual(13);
      const newest = [...stamps.keys()].sort().at(-1);
      const state = read.lastStateOf('Account')!.state.stream.stream_state;
      if (mode === 'incremental') expect(state.SystemModstamp).toBe(newest);
    });

    // The next run of the read above, from its state, on the same org.
    if (mode === 'incremental') {
      it('a second incremental run delivers no record twice, and turns the recorded Get Deleted answer into a deletion record', async () => {
        const catalogIn = recordedColumns(catalog, queries, 'incremental');
        // A copy: the read's own STATE messages stay as it wrote them.
        const state = structuredClone(stateFrom(read.states));
        const account = state.find((s: Message) => s.stream.stream_descriptor.name === 'Account')!;
        // Two days of deletions to list: Salesforce answers with the recorded deletion.
        account.stream.stream_state.deletions_through = new Date(Date.now() - 2 * 86_400_000).toISOString();
        const second = await runConnector('read', { config: org.config, catalog: catalogIn, state, env: org.env });
        expect(second.errors).toEqual([]);
        // Each second read starts at the saved cursor, so it meets the newest stamp's records (at least one per object) again.
        const resumed = org.server.requests.filter((r) => r.soql?.includes(' WHERE SystemModstamp >= '));
        expect(resumed).toHaveLength(OBJECTS.length);
        const seen = new Set(OBJECTS.flatMap((o) => read.recordsOf(o).map((r) => `${o} ${r.Id} ${r.SystemModstamp}`)));
        for (const object of OBJECTS) {
          for (const r of second.recordsOf(object)) if (!r.IsDeleted) expect(seen.has(`${object} ${r.Id} ${r.SystemModstamp}`)).toBe(false);
        }
        const recorded = JSON.parse(deleted).deletedRecords[0];
        expect(second.recordsOf('Account').filter((r) => r.IsDeleted === true)).toEqual([
          { Id: recorded.id, IsDeleted: true, SystemModstamp: '2013-05-07T22:07:19.000Z', _ab_cdc_deleted_at: '2013-05-07T22:07:19.000Z' },
        ]);
        expect(org.server.requests.filter((r) => /\/sobjects\/Account\/deleted\/?$/.test(r.path))).toHaveLength(1);
      });
    }
  });
});
