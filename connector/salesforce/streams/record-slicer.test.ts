import { describe, expect, it } from '@jest/globals';
import { EncodedRecord } from '../../runtime/encoded-record.js';
import type { DescribeField } from '../api/types.js';
import { createRecordShaper } from './record-shaper.js';
import { pageSlicer } from './record-slicer.js';

const fields: DescribeField[] = [
  { name: 'Id', type: 'id' },
  { name: 'Name', type: 'string' },
  { name: 'AnnualRevenue', type: 'currency' },
  { name: 'IsDeleted', type: 'boolean' },
  { name: 'BillingAddress', type: 'address' },
  { name: 'Value__c', type: 'anyType' },
  { name: 'Payload__c', type: 'json' },
  { name: 'LastActivityDate', type: 'date' },
  { name: 'CreatedDate', type: 'datetime' },
  { name: 'SystemModstamp', type: 'datetime' },
];
const plan = { fields, primaryKey: 'Id', cursor: 'SystemModstamp' };
const attributes = (id: string) => ({ type: 'Account', url: `/services/data/v62.0/sobjects/Account/${id}` });

/** What the ordinary path makes of the records: JSON.parse, then the shaper. */
const shaped = (records: object[]) => records.map((r) => createRecordShaper(fields)(JSON.parse(JSON.stringify(r)) as Record<string, unknown>));
const data = (record: unknown) => (record instanceof EncodedRecord ? record.decode() : record);
const page = (records: object[], extra: object = {}) => ({ totalSize: records.length, done: true, ...extra, records });

const account = (i: number, over: Record<string, unknown> = {}) => ({
  attributes: attributes(`001${i}`),
  Id: `001${String(i).padStart(15, '0')}`,
  Name: `Acme ${i}`,
  AnnualRevenue: i * 1000.5,
  IsDeleted: false,
  BillingAddress: { city: 'Paris', street: 'Rue "A"\nB', geocodeAccuracy: null },
  Value__c: 'text',
  Payload__c: null,
  LastActivityDate: '2024-01-02',
  CreatedDate: '2024-01-01T10:00:00.000+0000',
  SystemModstamp: `2024-03-01T10:00:${String(i % 60).padStart(2, '0')}.000+0000`,
  ...over,
});

describe('pageSlicer', () => {
  const slice = pageSlicer(plan);

  it('writes each record as the parse-and-shape path would, from the bytes as they came', () => {
    const records = [
      account(1),
      account(2, { Name: 'Émile – 東京 🚀 \\ / \u0001 \u2028', Value__c: 42, Payload__c: { a: [1, { b: null }] } }),
      account(3, { Value__c: true, AnnualRevenue: -0.5e-7, CreatedDate: '2024-01-01T10:00:00.000-0130' }),
      account(4, { Value__c: { nested: 'x' }, BillingAddress: null, LastActivityDate: null, CreatedDate: null }),
    ];
    const result = slice(Buffer.from(JSON.stringify(page(records, { nextRecordsUrl: '/services/data/v62.0/query/01g-2000', done: false }))));
    expect(result.totalSize).toBe(4);
    expect(result.done).toBe(false);
    expect(result.nextRecordsUrl).toBe('/services/data/v62.0/query/01g-2000');
    expect(result.records.every((r) => r instanceof EncodedRecord)).toBe(true);
    expect(result.records.map(data)).toEqual(shaped(records));
    expect(result.records.map((r) => [r.Id, r.SystemModstamp])).toEqual(records.map((r) => [r.Id, `${String(r.SystemModstamp).slice(0, 23)}Z`]));
  });

  it('reads fields in any order, keeps fields it does not know, and writes a missing field as null', () => {
    const record = { SystemModstamp: '2024-03-01T10:00:00.000Z', Extra__c: [1, 2], attributes: attributes('x'), Name: 'B', Id: '001B' };
    const [sliced] = slice(Buffer.from(JSON.stringify({ records: [record], done: true, totalSize: 1 }))).records;
    expect(data(sliced)).toEqual(shaped([record])[0]);
    expect(data(sliced)).toMatchObject({ AnnualRevenue: null, CreatedDate: null, Extra__c: [1, 2] });
    expect(sliced.SystemModstamp).toBe('2024-03-01T10:00:00.000Z');
    const empty = slice(Buffer.from('{"records":[{}],"totalSize":1,"done":true}')).records[0];
    expect(data(empty)).toEqual(Object.fromEntries(fields.map((f) => [f.name, null])));
    expect(empty.Id).toBeNull();
  });

  it('gives the same records as the ordinary path for many random pages', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(values: T[]) => values[Math.floor(random() * values.length)];
    const texts = [
      '',
      'plain',
      'quote " and \\ back',
      'line\nbreak\ttab',
      'é ü ß',
      '🚀',
      '\u0000\u001f',
      '</script>',
      '{"a":1}',
      '2024-01-01T00:00:00.000+0000',
    ];
    const values = [null, 0, -1, 1.5e300, 3.14, true, false, ...texts, { x: 1 }, [null, 'a']];
    for (let n = 0; n < 200; n++) {
      const records = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, i) => {
        const r: Record<string, unknown> = account(i, { Name: pick(texts), Value__c: pick(values), Payload__c: pick(values) });
        if (random() < 0.2) delete r.AnnualRevenue;
        if (random() < 0.2) r.Other__c = pick(values);
        return r;
      });
      const result = slice(Buffer.from(JSON.stringify(page(records))));
      expect(result.records.every((r) => r instanceof EncodedRecord)).toBe(true);
      expect(result.records.map(data)).toEqual(shaped(records));
    }
  });

  it('reads a page it cannot slice (whitespace, line breaks, bytes that are not UTF-8) the ordinary way', () => {
    const records = [account(1), account(2)];
    const pretty = slice(Buffer.from(JSON.stringify(page(records), null, 2)));
    expect(pretty.records.map(data)).toEqual(shaped(records));
    const latin = Buffer.from(JSON.stringify(page([account(1, { Name: 'Zoë' })])), 'latin1');
    expect(slice(latin).records.map(data)).toEqual(shaped([account(1, { Name: 'Zo\ufffd' })]));
    expect(slice(Buffer.from('{ "records" : [ ] , "done" : true , "totalSize" : 0 }')).records).toEqual([]);
  });

  it('refuses what JSON.parse refuses: a cut-off page, a raw line break in a text, a bad escape or number', () => {
    const whole = JSON.stringify(page([account(1), account(2)]));
    for (const bad of [
      whole.slice(0, whole.length - 3),
      whole.slice(0, whole.indexOf('Acme 2') + 3),
      whole.replace('Acme 1', 'Acme\n1'),
      whole.replace('Acme 1', 'Acme \\x1'),
      whole.replace('Acme 1', 'Acme \\u12G4'),
      whole.replace('"IsDeleted":false', '"IsDeleted":fals'),
      whole.replace('"AnnualRevenue":1000.5', '"AnnualRevenue":01'),
      whole.replace('"AnnualRevenue":1000.5', '"AnnualRevenue":1.e5'),
      whole + '{}',
    ]) {
      expect(() => slice(Buffer.from(bad))).toThrow(SyntaxError);
    }
  });

  it('reads members as JSON.parse does: escaped names, repeated names, numbers as JSON.stringify writes them', () => {
    /** The record as its RECORD line carries it. */
    const written = (r: unknown) =>
      JSON.parse(r instanceof EncodedRecord ? r.bytes.toString('utf8', r.start, r.end) : JSON.stringify(r)) as Record<string, unknown>;
    const text = JSON.stringify(page([account(1), account(2)]))
      .replaceAll('"attributes"', '"attribut\\u0065s"')
      .replace('"AnnualRevenue":1000.5', '"AnnualRevenue":1e400')
      .replace('"AnnualRevenue":2001', '"AnnualRevenue":-0')
      .replace('"IsDeleted":false', '"IsDeleted":false,"Extra":1.50E1');
    // as it came (sliced), then with a member named twice (read the ordinary way)
    for (const variant of [text, text.replace('"IsDeleted":false', '"IsDeleted":true,"IsDeleted":false')]) {
      const records = slice(Buffer.from(variant)).records.map(written);
      expect(records.map((r) => Object.hasOwn(r, 'attributes'))).toEqual([false, false]);
      expect(records[0].AnnualRevenue).toBeNull();
      expect(Object.is(records[1].AnnualRevenue, 0)).toBe(true);
      expect(records[0]).toMatchObject({ IsDeleted: false, Extra: 15 });
      expect(Object.keys(records[0]).indexOf('IsDeleted')).toBe(Object.keys(written(shaped([account(1)])[0])).indexOf('IsDeleted'));
    }
  });

  it('takes only the page members it reads, as own members: not `__proto__`, and never one named release', () => {
    const records = [account(1)];
    const wrapped = slice(Buffer.from(`{"__proto__":${JSON.stringify(page(records))}}`));
    expect(wrapped.records).toBeUndefined();
    for (const text of [JSON.stringify({ release: 1, ...page(records) }), JSON.stringify({ release: 'x', ...page(records) }, null, 1)]) {
      const read = slice(Buffer.from(text));
      expect(read.records.map(data)).toEqual(shaped(records));
      expect(read.release === undefined || typeof read.release === 'function').toBe(true);
    }
  });

  it('refuses a page nested deeper than JSON.stringify can write, either way it is read', () => {
    const deep = (n: number) =>
      JSON.stringify(page([account(1, { Payload__c: 0 })])).replace('"Payload__c":0', `"Payload__c":${'['.repeat(n)}${']'.repeat(n)}`);
    expect(slice(Buffer.from(deep(509))).records).toHaveLength(1);
    expect(() => slice(Buffer.from(deep(510)))).toThrow(/nested more than 512/);
    expect(() => slice(Buffer.from(deep(510).replace('{', '{\n')))).toThrow(/nested more than 512/);
  });
});
