/**
 * The emulator against the recordings, where it models the same thing: field by field in the
 * describes, object by object in the global describe, the version list, the query pages (keys,
 * order, page sizes, locators, value forms) and the error bodies. A difference fails here, naming
 * the object, field and key, so the emulator stays the mirror of a real org.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Emulator } from '../emulator/index.js';
import { call, mintToken, queryAllPages, soqlPath } from '../emulator/test-support.js';
import { nativeImport } from '../helpers/native.js';
import { salesforcePretty } from '../emulator/pretty-json.js';
import { realwireSuite } from './suite.js';

const { startEmulator } = nativeImport<typeof import('../emulator/index.js')>(new URL('../emulator/index.js', import.meta.url));
const { CUMULUSCI, cassetteCalls, nangoCalls, recordedDescribes, recordedFile, recordedQuery } = nativeImport<typeof import('./recordings.js')>(
  new URL('./recordings.js', import.meta.url),
);
const { RICH_ORG_OBJECTS } = nativeImport<typeof import('../emulator/extra-objects.js')>(new URL('../emulator/extra-objects.js', import.meta.url));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded answers

/** Field keys whose values belong to one org, not to Salesforce: its labels, help texts and picklist values. */
const ORG_SPECIFIC_FIELD_KEYS = new Set(['label', 'inlineHelpText', 'picklistValues']);

/**
 * Where the emulator knowingly differs from these recordings (each with its reason); everything
 * else must agree.
 */
const KNOWN: Record<string, string> = {
  'Account.Name.compoundFieldName': 'the Nango org has Person Accounts (a switchable person name); the emulated org does not',
  'Account.Name.extraTypeInfo': 'the Nango org has Person Accounts (a switchable person name); the emulated org does not',
  'Event.WhatId.referenceTo': "the emulated WhatId names only objects the emulator has (a real one names 80 of the org's)",
  'Campaign.createable': "the recorded user is no Marketing User: Campaign's create, edit and delete depend on it",
  'Campaign.updateable': "the recorded user is no Marketing User: Campaign's create, edit and delete depend on it",
  'Campaign.deletable': "the recorded user is no Marketing User: Campaign's create, edit and delete depend on it",
  'Campaign.undeletable': "the recorded user is no Marketing User: Campaign's create, edit and delete depend on it",
};

const RECORDED_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Event'];

realwireSuite('realwire: the emulator answers as the recorded orgs did', () => {
  let emu: Emulator;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({
      https: false,
      // Uncompressed answers: the recordings hold bodies, not encodings.
      gzip: false,
      objects: [...RICH_ORG_OBJECTS],
      // The recorded Account query's 2,086 records (2,000 a page); the other objects only need to exist.
      counts: { Account: 2086, Contact: 10, Lead: 10, Opportunity: 10, Case: 10 },
      // The Apache NiFi recording's object: a date, a datetime and a time field.
      customObjects: [{ name: 'DateTestObject__c', fields: { id__c: 'string', date__c: 'date', datetime__c: 'datetime', time__c: 'time' } }],
    });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  const get = async (path: string) => call(emu, path, token);

  it('describes the fields it models as the recorded describes do, key by key', async () => {
    const differences: string[] = [];
    for (const [object, text] of recordedDescribes()) {
      if (!RECORDED_OBJECTS.includes(object)) continue;
      const recorded = JSON.parse(text) as Json;
      const version = object === 'Account' ? 'v58.0' : 'v59.0';
      const emulated = (await get(`/services/data/${version}/sobjects/${object}/describe`)).body as Json;
      for (const key of Object.keys(recorded)) {
        if (key in emulated && typeof recorded[key] !== 'object' && recorded[key] !== emulated[key]) {
          differences.push(`${object}.${key}: recorded ${JSON.stringify(recorded[key])}, emulated ${JSON.stringify(emulated[key])}`);
        }
      }
      const byName = new Map<string, Json>(recorded.fields.map((f: Json) => [f.name, f]));
      for (const field of emulated.fields as Json[]) {
        const real = byName.get(field.name);
        if (!real) continue;
        if (Object.keys(field).join() !== Object.keys(real).join())
          differences.push(`${object}.${field.name} keys: recorded ${Object.keys(real)}, emulated ${Object.keys(field)}`);
        for (const key of Object.keys(real)) {
          const where = `${object}.${field.name}.${key}`;
          if (ORG_SPECIFIC_FIELD_KEYS.has(key) || where in KNOWN) continue;
          if (JSON.stringify(real[key]) !== JSON.stringify(field[key])) {
            differences.push(`${where}: recorded ${JSON.stringify(real[key])}, emulated ${JSON.stringify(field[key])}`);
          }
        }
      }
    }
    expect(differences).toEqual([]);
  });

  it('lists its objects in the global describe as the recorded org does: same keys, order and flags', async () => {
    const recorded = new Map<string, Json>(nangoCalls('describe-global')[0].response.sobjects.map((o: Json) => [o.name, o]));
    const emulated = ((await get('/services/data/v59.0/sobjects')).body as Json).sobjects as Json[];
    const differences: string[] = [];
    let compared = 0;
    for (const entry of emulated) {
      const real = recorded.get(entry.name);
      if (!real) continue;
      compared++;
      if (JSON.stringify(Object.keys(entry)) !== JSON.stringify(Object.keys(real))) differences.push(`${entry.name}: keys ${Object.keys(entry)}`);
      for (const key of Object.keys(real)) {
        // Labels are the org's; key prefixes are the emulator's own where real objects share one (README).
        if (key === 'label' || key === 'labelPlural' || key === 'keyPrefix' || key === 'urls' || `${entry.name}.${key}` in KNOWN) continue;
        if (JSON.stringify(real[key]) !== JSON.stringify(entry[key])) differences.push(`${entry.name}.${key}: recorded ${real[key]}, emulated ${entry[key]}`);
      }
      // Objects differ in their other resources (approval layouts, list views, a User's password): the emulated ones are among the real ones, in their order.
      const urls = Object.keys(real.urls).filter((k) => k in entry.urls);
      if (JSON.stringify(Object.keys(entry.urls)) !== JSON.stringify(urls) || urls.length !== Object.keys(entry.urls).length)
        differences.push(`${entry.name}.urls: ${Object.keys(entry.urls)} (${Object.keys(real.urls)})`);
    }
    expect(compared).toBeGreaterThan(15);
    expect(differences).toEqual([]);
  });

  it('serves the recorded version list, labels included', async () => {
    expect((await call(emu, '/services/data/', null)).body).toEqual(nangoCalls('list-available-resources')[0].response);
  });

  it('pages a query as the recorded org did: 2,000 a page, 1,000 with a long text field, same keys, order and value forms', async () => {
    for (const name of ['accounts', 'articles'] as const) {
      const recorded = recordedQuery(name);
      // Every page but the last is full: 2,000 records, or 1,000 when a long text area is selected.
      const pages = await queryAllPages(emu, token, recorded.soql);
      expect(pages.slice(0, -1).map((p) => p.records.length)).toEqual(recorded.pages.slice(0, -1).map((p: Json) => p.records.length));
      pages.forEach((page, i) => {
        expect(Object.keys(page)).toEqual(Object.keys(recorded.pages[i]));
        const locator = recorded.pages[i].nextRecordsUrl as string | undefined;
        const shape = (url: string) => url.replace(/v\d+\.\d/, 'vN').replace(/query\/\w+-/, 'query/L-');
        if (locator) expect(shape(page.nextRecordsUrl!)).toBe(shape(locator));
      });
      const real = recorded.pages[0].records[0] as Json;
      const emulated = pages[0].records[0] as Json;
      expect(Object.keys(emulated)).toEqual(Object.keys(real));
      expect(Object.keys(emulated.attributes)).toEqual(Object.keys(real.attributes));
      expect(emulated.attributes.url).toBe(`/services/data/v62.0/sobjects/Account/${emulated.Id}`);
      // One comparison for all pages (an expect per record cost more than the query): every Id of another form is listed.
      const idForm = new RegExp(`^${real.Id.slice(0, 3)}[A-Za-z0-9]{15}$`);
      expect(pages.flatMap((page) => page.records.map((record) => String(record.Id))).filter((id) => !idForm.test(id))).toEqual([]);
      // Dates and datetimes are written as the org writes them; free text may take any form.
      for (const column of recorded.fields.filter((name) => /Date$|Modstamp$/.test(name))) {
        const form = (v: unknown) =>
          v === null
            ? 'null'
            : typeof v === 'string'
              ? v
                  .replace(/[A-Za-z]/g, 'a')
                  .replace(/\d/g, '9')
                  .replace(/a+/g, 'a')
              : typeof v;
        const realForms = new Set(recorded.pages.flatMap((p: Json) => p.records.map((r: Json) => form(r[column]))).filter((f: string) => f !== 'null'));
        const emulatedForms = new Set(pages.flatMap((p) => p.records.map((r) => form(r[column]))).filter((f) => f !== 'null'));
        expect({ column, forms: [...emulatedForms] }).toEqual({ column, forms: [...realForms] });
      }
    }
  });

  it('writes dates, datetimes and times as the recorded custom object has them', async () => {
    const recorded = JSON.parse(
      recordedFile('apache__nifi/nifi-extension-bundles/nifi-salesforce-bundle/nifi-salesforce-processors/src/test/resources/query/query_sobject.json'),
    ).records[0] as Json;
    const [page] = await queryAllPages(emu, token, 'SELECT id__c, date__c, datetime__c, time__c FROM DateTestObject__c');
    const digits = (v: unknown) => String(v).replace(/\d/g, '9');
    const emulated = page.records.find((r) => r.date__c !== null && r.datetime__c !== null && r.time__c !== null)!;
    for (const field of ['date__c', 'datetime__c', 'time__c'])
      expect({ field, form: digits(emulated[field]) }).toEqual({ field, form: digits(recorded[field]) });
  });

  it('holds users whose Email is not an address, as real orgs do', async () => {
    const recorded = recordedQuery('users').pages[0].records as Json[];
    const [page] = await queryAllPages(emu, token, 'SELECT Id, Username, Email FROM User');
    const notAddress = (r: Json) => typeof r.Email === 'string' && !/@[^@]+\.[a-z]+$/i.test(r.Email);
    expect(recorded.some(notAddress)).toBe(true);
    expect(page.records.some(notAddress)).toBe(true);
  });

  it('pretty-prints its JSON when asked (X-PrettyPrint: 1), byte for byte as the recorded answers are', async () => {
    const snowfakery = cassetteCalls('SFDO-Tooling__Snowfakery/tests/cassettes/TestSOQLDatasets.test_soql_dataset_error.yaml');
    const bad = snowfakery.find((c) => c.status === 400)!;
    const answer = await call(emu, soqlPath(new URL(bad.uri).searchParams.get('q')!), token, { 'X-PrettyPrint': '1' });
    expect(answer.text).toBe(bad.body);
    const empty = snowfakery.find((c) => c.uri.includes('recordCount') && c.body.includes('[ ]'))!;
    expect(salesforcePretty(JSON.parse(empty.body))).toBe(empty.body);
    const page = await call(emu, soqlPath('SELECT Id, Name FROM Account LIMIT 2'), token, { 'X-PrettyPrint': '1' });
    expect(page.text).toMatch(/^\{\n {2}"totalSize" : 2,\n {2}"done" : true,\n {2}"records" : \[ \{\n {4}"attributes" : \{\n {6}"type" : "Account",/);
    expect(page.body).toEqual((await get(soqlPath('SELECT Id, Name FROM Account LIMIT 2'))).body);
  });

  it('quotes a bad query with a caret exactly as Salesforce did', async () => {
    const snowfakery = cassetteCalls('SFDO-Tooling__Snowfakery/tests/cassettes/TestSOQLDatasets.test_soql_dataset_error.yaml').find((c) => c.status === 400)!;
    const soql = new URL(snowfakery.uri).searchParams.get('q')!;
    const answer = await get(soqlPath(soql));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual(JSON.parse(snowfakery.body));

    const [composite] = cassetteCalls(`${CUMULUSCI}/utils/salesforce/tests/cassettes/TestCountSObjects.test_count_sobjects__errors.yaml`);
    const failed = JSON.parse(composite.body).compositeResponse.find((p: Json) => p.httpStatusCode === 400);
    const asked = JSON.parse(composite.requestBody!).compositeRequest.find((r: Json) => r.referenceId === failed.referenceId);
    const direct = await get(soqlPath(new URL(asked.url, 'https://x').searchParams.get('q')!));
    expect(direct.body).toEqual(failed.body);
  });

  it('answers a dead session and an unknown resource with the recorded bodies', async () => {
    const expired = await call(emu, '/services/data/v62.0/sobjects/Account/describe', 'not-a-token');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual(JSON.parse(recordedFile('restforce__restforce/spec/fixtures/expired_session_response.json')));
    const [notFound] = cassetteCalls(`${CUMULUSCI}/utils/http/tests/cassettes/TestCompositeParallelSalesforce.test_errors.yaml`);
    const missing = await get('/services/data/v62.0/sobjects/Foo');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(JSON.parse(notFound.body).compositeResponse[0].body);
  });

  it('answers a Composite request as the recorded org did: HTTP 200, a failed subrequest inside with its own status and body', async () => {
    const [recorded] = cassetteCalls(`${CUMULUSCI}/utils/http/tests/cassettes/TestCompositeParallelSalesforce.test_errors.yaml`);
    const real = JSON.parse(recorded.body).compositeResponse[0];
    const res = await fetch(`${emu.url}/services/data/v62.0/composite`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ compositeRequest: [{ referenceId: real.referenceId, method: 'GET', url: '/services/data/v62.0/sobjects/Foo/describe' }] }),
    });
    expect(res.status).toBe(recorded.status);
    const [part] = ((await res.json()) as Json).compositeResponse;
    expect(Object.keys(part).sort()).toEqual(Object.keys(real).sort());
    expect({ ...part, httpHeaders: {} }).toEqual(real);
  });

  it('refuses a token with the recorded OAuth error shape', async () => {
    const recorded = JSON.parse(recordedFile('restforce__restforce/spec/fixtures/auth_error_response.json'));
    const res = await fetch(`${emu.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'demo-client-id', client_secret: 'wrong' }),
    });
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()) as Json)).toEqual(Object.keys(recorded));
  });

  it('lists limits the recorded org lists, each as Max and Remaining', async () => {
    const recorded = nangoCalls('get-limits')[0].response as Json;
    const emulated = (await get('/services/data/v62.0/limits')).body as Json;
    for (const [name, limit] of Object.entries<Json>(emulated)) {
      expect({ name, recorded: name in recorded }).toEqual({ name, recorded: true });
      expect(Object.keys(limit)).toEqual(Object.keys(recorded[name]));
    }
  });

  it('creates a Bulk query job answered with the recorded job keys, in their order, apiVersion a number', async () => {
    const recorded = JSON.parse(
      recordedFile('airbytehq__airbyte/airbyte-integrations/connectors/source-salesforce/unit_tests/resource/http/response/job_response.json'),
    );
    const res = await fetch(`${emu.url}/services/data/v57.0/jobs/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'queryAll', query: 'SELECT Id FROM Account' }),
    });
    const job = (await res.json()) as Json;
    expect(Object.keys(job)).toEqual(Object.keys(recorded));
    expect(job.apiVersion).toBe(recorded.apiVersion);
    expect(job.state).toBe(recorded.state);
  });

  it('answers Get Deleted with the recorded keys and date forms', async () => {
    const recorded = JSON.parse(recordedFile('restforce__restforce/spec/fixtures/sobject/get_deleted_success_response.json'));
    const end = new Date(Date.now() - 60_000).toISOString().slice(0, 16);
    const start = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 16);
    const answer = await get(`/services/data/v62.0/sobjects/Account/deleted/?start=${start}:00%2B00:00&end=${end}:00%2B00:00`);
    expect(answer.status).toBe(200);
    const body = answer.body as Json;
    expect(Object.keys(body).sort()).toEqual(Object.keys(recorded).sort());
    const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/;
    expect(body.earliestDateAvailable).toMatch(stamp);
    expect(body.latestDateCovered).toMatch(stamp);
    for (const entry of body.deletedRecords) {
      expect(Object.keys(entry)).toEqual(Object.keys(recorded.deletedRecords[0]));
      expect(entry.deletedDate).toMatch(stamp);
    }
  });
});
