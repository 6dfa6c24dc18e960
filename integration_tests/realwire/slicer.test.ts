/**
 * The REST byte slicer (connector/salesforce/streams/record-slicer.ts) on recorded query pages, as
 * Salesforce wrote them or as Nango kept them: each record it cuts out must be the record as the
 * connector documents it (expected-records.ts), whatever the page holds: 2,000 and 1,000-record
 * pages with long text, a queryMore page, relationship objects that are null or nested with their
 * own `attributes`, polymorphic TYPEOF answers, `time` values, emails that are no addresses,
 * pretty-printed pages with `" : "`.
 */
import { expect, it } from '@jest/globals';
import { nativeImport } from '../helpers/native.js';
import { realwireSuite } from './suite.js';

// The pretty-printer loaded natively too: it walks 2,000-record pages, several times slower in Jest's context.
const { salesforcePretty } = nativeImport<typeof import('../emulator/pretty-json.js')>(new URL('../emulator/pretty-json.js', import.meta.url));
const { CUMULUSCI, cassetteCalls, cassetteInteraction, nangoCalls, recordedDescribes, recordedFile, recordedQuery, soqlParts } = nativeImport<
  typeof import('./recordings.js')
>(new URL('./recordings.js', import.meta.url));
// canonical() runs natively too: over 8,000 records it cost more in Jest's context than the slicing.
const { canonical, documentedRecord } = nativeImport<typeof import('./expected-records.js')>(new URL('./expected-records.js', import.meta.url));
const { pageSlicer } = nativeImport<typeof import('../../connector/salesforce/streams/record-slicer.js')>(
  new URL('../../connector/salesforce/streams/record-slicer.js', import.meta.url),
);
const { EncodedRecord } = nativeImport<typeof import('../../connector/runtime/encoded-record.js')>(
  new URL('../../connector/runtime/encoded-record.js', import.meta.url),
);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded pages
type Field = { name: string; type: string; length?: number };

interface RecordedPage {
  label: string;
  /** the page as bytes on the wire */
  body: string;
  /** the selected fields, typed */
  fields: Field[];
  /** whether the slicer must cut it without falling back to JSON.parse (a compact page) */
  compact: boolean;
}

/** The SELECT columns that are fields of the describe, typed by it (relationship paths are no fields). */
function typedColumns(describe: Json, columns: readonly string[]): Field[] {
  const byName = new Map<string, Field>(describe.fields.map((f: Field) => [f.name, f]));
  return columns.filter((c) => byName.has(c)).map((c) => byName.get(c)!);
}

function recordedPages(): RecordedPage[] {
  const describes = new Map([...recordedDescribes()].map(([name, text]) => [name, JSON.parse(text) as Json]));
  const pages: RecordedPage[] = [];
  for (const name of ['accounts', 'articles', 'contacts', 'cases', 'opportunities']) {
    const query = recordedQuery(name);
    const fields = typedColumns(describes.get(query.object)!, query.fields);
    expect(fields).toHaveLength(query.fields.length);
    query.pages.forEach((page, i) => {
      pages.push({ label: `${name} page ${i + 1}`, body: JSON.stringify(page), fields, compact: true });
      pages.push({ label: `${name} page ${i + 1}, pretty-printed`, body: salesforcePretty(page), fields, compact: false });
    });
  }
  const more = nangoCalls('retrieve-query-more')[0].response;
  pages.push({ label: 'a queryMore page', body: JSON.stringify(more), fields: typedColumns(describes.get('Account')!, ['Id', 'Name']), compact: true });

  // User: no describe was recorded; its columns typed as Salesforce documents them. Profile is a relationship, not a field.
  const users = recordedQuery('users');
  const userTypes: Record<string, string> = {
    Id: 'id',
    Username: 'string',
    Email: 'email',
    FirstName: 'string',
    LastName: 'string',
    IsActive: 'boolean',
    ProfileId: 'reference',
    SystemModstamp: 'datetime',
  };
  const userFields = users.fields.filter((c) => c in userTypes).map((name) => ({ name, type: userTypes[name] }));
  pages.push({ label: 'users with Profile.Name', body: JSON.stringify(users.pages[0]), fields: userFields, compact: true });

  const typeOf = cassetteInteraction(`${CUMULUSCI}/tasks/bulkdata/tests/cassettes/TestSelect.test_select_similarity_select_and_insert_strategy.yaml`, 'TYPEOF');
  pages.push({
    label: 'Event with TYPEOF Who/What',
    body: typeOf.body,
    fields: typedColumns(describes.get('Event')!, ['Id', 'Subject', 'DurationInMinutes', 'ActivityDateTime']),
    compact: false,
  });

  const extract = cassetteCalls(`${CUMULUSCI}/core/tests/cassettes/TestDatasetsE2E.test_datasets_extract_standard_objects.yaml`).filter((c) =>
    c.uri.includes('/query/'),
  );
  for (const call of extract) {
    const { object, fields } = soqlParts(new URL(call.uri).searchParams.get('q')!);
    const describe = describes.get(object);
    if (describe) pages.push({ label: `CumulusCI ${object} extract`, body: call.body, fields: typedColumns(describe, fields), compact: false });
  }

  const times = recordedFile(
    'apache__nifi/nifi-extension-bundles/nifi-salesforce-bundle/nifi-salesforce-processors/src/test/resources/query/query_sobject.json',
  );
  const timeFields = [
    { name: 'id__c', type: 'string' },
    { name: 'date__c', type: 'date' },
    { name: 'datetime__c', type: 'datetime' },
    { name: 'time__c', type: 'time' },
  ];
  pages.push({ label: 'a custom object with date, datetime and time', body: times, fields: timeFields, compact: false });
  return pages;
}

realwireSuite('realwire: the byte slicer on recorded query pages', () => {
  it('cuts every record of every recorded page into the documented RECORD', () => {
    const pages = recordedPages();
    let records = 0;
    const problems: string[] = [];
    for (const { label, body, fields, compact } of pages) {
      const recorded = JSON.parse(body) as Json;
      const plan = { fields: fields as never, primaryKey: 'Id', cursor: fields.some((f) => f.name === 'SystemModstamp') ? 'SystemModstamp' : undefined };
      const page = pageSlicer(plan)(Buffer.from(body, 'utf8')) as Json;
      const { records: sliced, release, ...rest } = page;
      void release;
      const { records: _recorded, ...recordedRest } = recorded;
      expect({ label, rest }).toEqual({ label, rest: recordedRest });
      expect({ label, count: sliced.length }).toEqual({ label, count: recorded.records.length });
      const datetimes = new Set(fields.filter((f) => f.type === 'datetime').map((f) => f.name));
      // Compared in plain code and reported at once: an expect() per record costs seconds in Jest's context.
      recorded.records.forEach((raw: Json, i: number) => {
        const record = sliced[i];
        if (compact && !(record instanceof EncodedRecord)) problems.push(`${label} #${i}: not sliced (fell back to JSON.parse)`);
        const data = record instanceof EncodedRecord ? record.decode() : record;
        const expected = documentedRecord(
          raw,
          datetimes,
          fields.map((f) => f.name),
        );
        if (canonical(data) !== canonical(expected)) problems.push(`${label} #${i}: ${JSON.stringify(data)} instead of ${JSON.stringify(expected)}`);
        // The checkpoints read the Id and the cursor off the record itself.
        if (record.Id !== (raw.Id ?? undefined) && fields.some((f) => f.name === 'Id')) problems.push(`${label} #${i}: Id ${record.Id}`);
        if (plan.cursor && record.SystemModstamp !== expected.SystemModstamp) problems.push(`${label} #${i}: SystemModstamp ${record.SystemModstamp}`);
      });
      records += sliced.length;
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(records).toBeGreaterThan(2086 * 2 * 2);
  });

  it('keeps what real answers hold that documentation does not show', () => {
    const users = recordedQuery('users').pages[0].records as Json[];
    // A relationship that is null while its Id is set, and emails that are no addresses.
    expect(users.some((u) => u.Profile === null && typeof u.ProfileId === 'string')).toBe(true);
    expect(users.some((u) => typeof u.Email === 'string' && !/@[^@]+\.[a-z]+$/i.test(u.Email))).toBe(true);
    const contacts = recordedQuery('contacts').pages[0].records as Json[];
    expect(contacts.some((c) => typeof c.MailingStreet === 'string' && c.MailingStreet.includes('\n'))).toBe(true);
    const times = JSON.parse(
      recordedFile('apache__nifi/nifi-extension-bundles/nifi-salesforce-bundle/nifi-salesforce-processors/src/test/resources/query/query_sobject.json'),
    );
    expect(times.records[0].time__c).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
