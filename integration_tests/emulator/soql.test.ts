import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, queryAllPages, soqlPath } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

type Row = Record<string, unknown>;
interface Page {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Row[];
}
type ErrorBody = { errorCode: string; message: string }[];

describe('SOQL over REST', () => {
  let emu: Emulator;
  let token: string;
  const q = async (soql: string, all = false) => call(emu, soqlPath(soql, all), token);
  const rows = async (soql: string) => {
    const reply = await q(soql);
    if (reply.status !== 200) throw new Error(reply.text);
    return (reply.body as Page).records;
  };
  const live = (object: 'Account' | 'Contact' | 'Opportunity' | 'Case' | 'Lead') => emu.records(object);

  beforeAll(async () => {
    // The default org: the one most suites start, so a worker has usually generated it already (generated-orgs.ts).
    // Uncompressed answers: gzip is not this suite's subject.
    emu = await startEmulator({ gzip: false });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('returns records in the wire format, fields in selection order', async () => {
    const [rec] = await rows('SELECT Name, Id, SystemModstamp, CloseDate, Amount, IsWon, Description FROM Opportunity LIMIT 1');
    expect(Object.keys(rec)).toEqual(['attributes', 'Name', 'Id', 'SystemModstamp', 'CloseDate', 'Amount', 'IsWon', 'Description']);
    expect(rec.attributes).toEqual({ type: 'Opportunity', url: `/services/data/v62.0/sobjects/Opportunity/${String(rec.Id)}` });
    expect(rec.Id).toMatch(/^006[A-Za-z0-9]{15}$/);
    expect(rec.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(rec.CloseDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(typeof rec.IsWon).toBe('boolean');
    expect(rec.Amount === null || typeof rec.Amount === 'number').toBe(true);
  });

  it('returns compound fields as nested objects, null when every part is null', async () => {
    const recs = await rows('SELECT Id, BillingAddress, HQ_Location__c, BillingCity FROM Account');
    const withAddress = recs.find((r) => r.BillingAddress !== null) as Row;
    expect(Object.keys(withAddress.BillingAddress as object)).toEqual([
      'city',
      'country',
      'geocodeAccuracy',
      'latitude',
      'longitude',
      'postalCode',
      'state',
      'street',
    ]);
    expect((withAddress.BillingAddress as Row).city).toBe(withAddress.BillingCity);
    expect(recs.some((r) => r.BillingAddress === null)).toBe(true);
    const located = recs.find((r) => r.HQ_Location__c !== null) as Row;
    expect(located.HQ_Location__c).toEqual({ latitude: expect.any(Number), longitude: expect.any(Number) });
    expect(recs.some((r) => r.HQ_Location__c === null)).toBe(true);
  });

  it('counts with COUNT()', async () => {
    const reply = await q('SELECT COUNT() FROM Contact');
    expect(reply.body).toEqual({ totalSize: live('Contact').length, done: true, records: [] });
    const filtered = await q("SELECT COUNT() FROM Contact WHERE LeadSource = 'Web'");
    expect((filtered.body as Page).totalSize).toBe(live('Contact').filter((r) => r.LeadSource === 'Web').length);
  });

  it.each(['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00.000+00:00', '2024-01-01T01:00:00+01:00'])(
    'filters SystemModstamp with the datetime literal %s',
    async (literal) => {
      const reply = await q(`SELECT COUNT() FROM Account WHERE SystemModstamp >= ${literal}`);
      const expected = live('Account').filter((r) => String(r.SystemModstamp) >= '2024-01-01T00:00:00.000+0000').length;
      expect((reply.body as Page).totalSize).toBe(expected);
      expect(expected).toBeGreaterThan(0);
    },
  );

  it('applies a half-open SystemModstamp window ordered by SystemModstamp, Id', async () => {
    const recs = await rows(
      'SELECT Id, SystemModstamp FROM Contact WHERE SystemModstamp >= 2023-06-01T00:00:00Z AND SystemModstamp < 2024-06-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC',
    );
    const expected = live('Contact')
      .filter((r) => String(r.SystemModstamp) >= '2023-06-01T00:00:00.000+0000' && String(r.SystemModstamp) < '2024-06-01T00:00:00.000+0000')
      .map((r) => [String(r.SystemModstamp), String(r.Id)])
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
    expect(recs.map((r) => [r.SystemModstamp, r.Id])).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('supports AND/OR/NOT with parentheses, IN, NOT IN, LIKE, null and boolean comparisons', async () => {
    const soql =
      "SELECT Id FROM Case WHERE (Priority = 'High' OR Priority = 'Medium') AND NOT (Status IN ('Closed', 'Escalated')) AND Subject != null AND IsEscalated = false AND Origin NOT IN ('Web') AND Subject LIKE '%in%'";
    const got = (await rows(soql)).map((r) => r.Id).sort();
    const expected = live('Case')
      .filter(
        (r) =>
          (r.Priority === 'High' || r.Priority === 'Medium') &&
          !['Closed', 'Escalated'].includes(String(r.Status)) &&
          r.Subject !== null &&
          r.IsEscalated === false &&
          r.Origin !== 'Web' &&
          /in/i.test(String(r.Subject)),
      )
      .map((r) => r.Id)
      .sort();
    expect(got).toEqual(expected);
    expect(got.length).toBeGreaterThan(0);
  });

  it('compares numbers, dates and Ids (15- and 18-character)', async () => {
    const big = await rows('SELECT Id, Amount FROM Opportunity WHERE Amount > 1000000.50 AND CloseDate >= 2024-01-01');
    expect(big.every((r) => (r.Amount as number) > 1000000.5)).toBe(true);
    expect(big.length).toBe(live('Opportunity').filter((r) => (r.Amount as number) > 1000000.5 && String(r.CloseDate) >= '2024-01-01').length);
    const id = String(live('Account')[3].Id);
    expect((await rows(`SELECT Id FROM Account WHERE Id = '${id}'`)).map((r) => r.Id)).toEqual([id]);
    expect((await rows(`SELECT Id FROM Account WHERE Id = '${id.slice(0, 15)}'`)).map((r) => r.Id)).toEqual([id]);
    expect((await rows(`SELECT Id FROM Contact WHERE AccountId = '${id}'`)).length).toBe(live('Contact').filter((r) => r.AccountId === id).length);
  });

  it('orders by several keys with NULLS FIRST/LAST and applies LIMIT and OFFSET', async () => {
    const recs = await rows('SELECT Id, Industry, Name FROM Account ORDER BY Industry DESC NULLS LAST, Name ASC LIMIT 40');
    expect(recs).toHaveLength(40);
    const industries = recs.map((r) => r.Industry as string | null);
    const nonNull = industries.filter((x) => x !== null) as string[];
    expect([...nonNull].sort().reverse()).toEqual(nonNull);
    const firstAsc = await rows('SELECT Id, Industry FROM Account ORDER BY Industry LIMIT 1');
    expect(firstAsc[0].Industry).toBeNull(); // nulls first by default
    const all = await rows('SELECT Id FROM Account ORDER BY Name, Id');
    const offset = await rows('SELECT Id FROM Account ORDER BY Name, Id LIMIT 5 OFFSET 10');
    expect(offset.map((r) => r.Id)).toEqual(all.slice(10, 15).map((r) => r.Id));
  });

  it('rejects OFFSET above 2000', async () => {
    const reply = await q('SELECT Id FROM Account OFFSET 2001');
    expect(reply.status).toBe(400);
    expect((reply.body as ErrorBody)[0].errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });

  it('reports INVALID_FIELD with the caret message for unknown and hidden fields', async () => {
    const reply = await q('SELECT Bacon__c FROM Account LIMIT 2');
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual([
      {
        message:
          "\nSELECT Bacon__c FROM Account LIMIT 2\n       ^\nERROR at Row:1:Column:8\nNo such column 'Bacon__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
        errorCode: 'INVALID_FIELD',
      },
    ]);
    const hidden = await q('SELECT Id, Credit_Score__c FROM Account');
    expect((hidden.body as ErrorBody)[0].errorCode).toBe('INVALID_FIELD');
    expect((hidden.body as ErrorBody)[0].message).toContain("No such column 'Credit_Score__c' on entity 'Account'");
    const inWhere = await q('SELECT Id FROM Account WHERE Credit_Score__c > 500');
    expect((inWhere.body as ErrorBody)[0].errorCode).toBe('INVALID_FIELD');
  });

  it('reports INVALID_TYPE for unknown objects and MALFORMED_QUERY for bad syntax', async () => {
    const unknown = await q('SELECT Id FROM Foo__c');
    expect(unknown.status).toBe(400);
    expect((unknown.body as ErrorBody)[0].errorCode).toBe('INVALID_TYPE');
    expect((unknown.body as ErrorBody)[0].message).toContain("sObject type 'Foo__c' is not supported.");
    for (const bad of ['SELECT Id FROM Account WHERE', 'SELECT FROM Account', 'SELEC Id FROM Account']) {
      const reply = await q(bad);
      expect(reply.status).toBe(400);
      expect((reply.body as ErrorBody)[0].errorCode).toBe('MALFORMED_QUERY');
    }
    const empty = await call(emu, soqlPath(''), token);
    expect(empty.body).toEqual([{ message: 'SOQL statements cannot be empty or null', errorCode: 'MALFORMED_QUERY' }]);
  });

  it('rejects a string literal for a datetime field', async () => {
    const reply = await q("SELECT Id FROM Account WHERE SystemModstamp > '2024-01-01'");
    expect((reply.body as ErrorBody)[0].errorCode).toBe('INVALID_FIELD');
  });

  it('is case-insensitive for names and string comparisons', async () => {
    const a = await rows("select id, name from account where industry = 'BANKING'");
    expect(a.length).toBe(live('Account').filter((r) => r.Industry === 'Banking').length);
    expect(Object.keys(a[0])).toEqual(['attributes', 'Id', 'Name']);
  });

  it('hides soft-deleted rows from query and shows them in queryAll', async () => {
    const deleted = emu.records('Contact', { includeDeleted: true }).filter((r) => r.IsDeleted === true);
    expect(deleted.length).toBeGreaterThan(0);
    const viaQuery = (await queryAllPages(emu, token, 'SELECT Id, IsDeleted FROM Contact')).flatMap((p) => p.records);
    const viaAll = (await queryAllPages(emu, token, 'SELECT Id, IsDeleted FROM Contact', { all: true })).flatMap((p) => p.records);
    expect(viaQuery.some((r) => r.IsDeleted === true)).toBe(false);
    expect(viaAll.length).toBe(viaQuery.length + deleted.length);
    const deletedOnly = await q('SELECT COUNT() FROM Contact WHERE IsDeleted = true', true);
    expect((deletedOnly.body as Page).totalSize).toBe(deleted.length);
  });
});
