import { describe, expect, it } from '@jest/globals';
import type { DescribeField } from '../api/types.js';
import { componentKey, planBulkFields } from './bulk-fields.js';
import { parse } from 'csv-parse/sync';
import { EncodedRecord } from '../../runtime/encoded-record.js';
import { CsvError } from './csv-rows.js';
import { CsvPageSlicer } from './csv-slicer.js';

const describeFields: DescribeField[] = [
  { name: 'Id', type: 'id' },
  { name: 'NumberOfEmployees', type: 'int' },
  { name: 'AnnualRevenue', type: 'currency' },
  { name: 'IsDeleted', type: 'boolean' },
  { name: 'BillingStreet', type: 'textarea', compoundFieldName: 'BillingAddress' },
  { name: 'BillingCity', type: 'string', compoundFieldName: 'BillingAddress' },
  { name: 'BillingLatitude', type: 'double', compoundFieldName: 'BillingAddress' },
  { name: 'BillingAddress', type: 'address' },
  { name: 'HQ__Latitude__s', type: 'double', compoundFieldName: 'HQ__c' },
  { name: 'HQ__Longitude__s', type: 'double', compoundFieldName: 'HQ__c' },
  { name: 'HQ__c', type: 'location' },
];

describe('bulk field plan', () => {
  it('derives rebuilt keys from component names', () => {
    expect(componentKey('BillingAddress', 'BillingPostalCode')).toBe('postalCode');
    expect(componentKey('Address', 'GeocodeAccuracy')).toBe('geocodeAccuracy');
    expect(componentKey('HQ__c', 'HQ__Longitude__s')).toBe('longitude');
  });

  it('selects components instead of compound fields, once each', () => {
    const selected = describeFields.filter((f) => ['Id', 'BillingCity', 'BillingAddress', 'HQ__c'].includes(f.name));
    const plan = planBulkFields(selected, describeFields);
    expect(plan.select).toEqual(['Id', 'BillingCity', 'BillingStreet', 'BillingLatitude', 'HQ__Latitude__s', 'HQ__Longitude__s']);
    expect(plan.compounds.map((c) => c.name)).toEqual(['BillingAddress', 'HQ__c']);
  });
});

describe('CSV page slicer', () => {
  const plan = planBulkFields(describeFields, describeFields);
  const output = [...plan.select, ...plan.compounds.map((c) => c.name)];
  const quote = (cell: string) => (cell === '' ? '' : `"${cell.replaceAll('"', '""')}"`);
  const csv = (header: readonly string[], rows: Array<Record<string, string>>, eol = '\n') =>
    [header.map(quote).join(','), ...rows.map((r) => header.map((name) => quote(r[name] ?? '')).join(','))].join(eol) + eol;
  /** The page fed in pieces of `piece` bytes, as a download would bring it. */
  const read = (
    text: string | Buffer,
    options: { fields?: DescribeField[]; out?: readonly string[]; piece?: number; compounds?: typeof plan.compounds } = {},
  ) => {
    const page = new CsvPageSlicer({
      describe: options.fields ?? describeFields,
      compounds: options.compounds ?? plan.compounds,
      output: options.out ?? output,
      primaryKey: 'Id',
      cursor: 'SystemModstamp',
      maxRowBytes: 10_000,
    });
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
    const piece = options.piece ?? bytes.length;
    const records = [];
    for (let at = 0; at < bytes.length; at += piece) records.push(...page.push(bytes.subarray(at, at + piece)).records);
    records.push(...page.end().records);
    expect(page.rows).toBe(records.length);
    return records.map((r) => (r instanceof EncodedRecord ? r.decode() : r));
  };

  it('types values like the REST API and rebuilds compound fields', () => {
    const [out] = read(
      csv(plan.select, [
        { Id: '001', NumberOfEmployees: '42', AnnualRevenue: '1250000.5', IsDeleted: 'false', BillingStreet: '1 Main St', BillingLatitude: '37.5' },
      ]),
    );
    expect(out).toMatchObject({ Id: '001', NumberOfEmployees: 42, AnnualRevenue: 1250000.5, IsDeleted: false, BillingCity: null });
    expect(out.BillingAddress).toEqual({ city: null, latitude: 37.5, street: '1 Main St' });
    expect(Object.keys(out.BillingAddress as object)).toEqual(['city', 'latitude', 'street']);
    expect(out.HQ__c).toBeNull();
  });

  it('emits only the selected fields when told which, in their order', () => {
    const selected = ['Id', 'BillingAddress'];
    const compounds = plan.compounds.filter((c) => c.name === 'BillingAddress');
    const [out] = read(csv(plan.select, [{ Id: '001', BillingStreet: '1 Main St', BillingCity: 'Oslo' }]), { out: selected, compounds });
    expect(Object.keys(out)).toEqual(selected);
    expect(out.BillingAddress).toEqual({ city: 'Oslo', latitude: null, street: '1 Main St' });
  });

  it('reads cells by the header, whatever its order, and gives null for a column it lacks', () => {
    const fields: DescribeField[] = [...describeFields, { name: 'SystemModstamp', type: 'datetime' }, { name: 'LastActivityDate', type: 'date' }];
    const text = 'systemmodstamp,NumberOfEmployees,Id,LastActivityDate\n2024-05-01T12:00:00.000Z,7,001,2024-05-01\n';
    const page = new CsvPageSlicer({
      describe: fields,
      compounds: [],
      output: ['Id', 'SystemModstamp', 'NumberOfEmployees', 'AnnualRevenue', 'LastActivityDate'],
      primaryKey: 'Id',
      cursor: 'SystemModstamp',
      maxRowBytes: 1000,
    });
    const [record] = page.push(Buffer.from(text)).records.concat(page.end().records);
    expect(record.bytes.toString('utf8', record.start, record.end)).toBe(
      '{"Id":"001","SystemModstamp":"2024-05-01T12:00:00.000Z","NumberOfEmployees":7,"AnnualRevenue":null,"LastActivityDate":"2024-05-01"}',
    );
    expect([record.Id, record.SystemModstamp]).toEqual(['001', '2024-05-01T12:00:00.000Z']);
  });

  it('gives the final record: datetimes in UTC with Z, like the REST shaper', () => {
    const fields: DescribeField[] = [
      { name: 'Id', type: 'id' },
      { name: 'SystemModstamp', type: 'datetime' },
    ];
    const [out] = read('Id,SystemModstamp\n001,2024-05-01T14:00:00.000+0200\n', { fields, out: ['Id', 'SystemModstamp'], compounds: [] });
    expect(out).toEqual({ Id: '001', SystemModstamp: '2024-05-01T12:00:00.000Z' });
  });

  it('keeps odd field names as own properties', () => {
    const fields: DescribeField[] = [
      { name: '__proto__', type: 'string' },
      { name: 'Weird "Name"', type: 'int' },
    ];
    const [out] = read('"__proto__","Weird ""Name"""\nx,3\n', { fields, out: ['__proto__', 'Weird "Name"'], compounds: [] });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":"x","Weird \\"Name\\"":3}');
  });

  it('reads every cell as csv-parse does, in pieces of any size, and types it like the REST API', () => {
    const fields: DescribeField[] = [
      { name: 'Id', type: 'id' },
      { name: 'Description', type: 'textarea' },
      { name: 'NumberOfEmployees', type: 'int' },
      { name: 'IsDeleted', type: 'boolean' },
      { name: 'SystemModstamp', type: 'datetime' },
    ];
    const names = fields.map((f) => f.name);
    const texts = ['plain', 'a "quoted" word', 'line\nbreak\r\nand\ttab', 'back\\slash', 'é ü 東京 🚀', '\u0001\u001f', ',,', ''];
    const rows = Array.from({ length: 60 }, (_, i) => ({
      Id: `001${i}`,
      Description: texts[i % texts.length],
      NumberOfEmployees: [
        '12',
        '-3.5',
        '1e3',
        'n/a',
        '',
        '007',
        '1.0',
        '-0',
        '0',
        '0.0000001',
        '0.000001',
        '-0.5',
        '123456789012345678',
        '123456789012345',
        '1.50',
        '.5',
        '5.',
      ][i % 17],
      IsDeleted: ['true', 'false', 'maybe', ''][i % 4],
      SystemModstamp: ['2024-05-01T12:00:00.000Z', '2024-05-01T14:00:00.000+0200', ''][i % 3],
    }));
    // Through JSON, as the records travel: -0 is written 0.
    const typed = (parse(csv(names, rows), { columns: true }) as Array<Record<string, string>>).map((r) => ({
      Id: r.Id,
      Description: r.Description || null,
      NumberOfEmployees: r.NumberOfEmployees === '' ? null : Number.isFinite(Number(r.NumberOfEmployees)) ? Number(r.NumberOfEmployees) : r.NumberOfEmployees,
      IsDeleted: r.IsDeleted === '' ? null : r.IsDeleted === 'true' ? true : r.IsDeleted === 'false' ? false : r.IsDeleted,
      SystemModstamp: r.SystemModstamp === '' ? null : new Date(r.SystemModstamp.replace('+0200', '+02:00')).toISOString(),
    }));
    const expected = JSON.parse(JSON.stringify(typed)) as typeof typed;
    for (const eol of ['\n', '\r\n']) {
      for (const piece of [1, 2, 7, 64, 100_000]) {
        expect(read(csv(names, rows, eol), { fields, out: names, compounds: [], piece })).toEqual(expected);
      }
    }
    expect(read('\ufeff' + csv(names, rows.slice(0, 1)), { fields, out: names, compounds: [] })).toEqual(expected.slice(0, 1));
    expect(read(csv(names, rows.slice(0, 2)).trimEnd(), { fields, out: names, compounds: [] })).toEqual(expected.slice(0, 2));
    const notUtf8 = Buffer.concat([Buffer.from('Id,Description\n001,"Zo'), Buffer.from([0xeb]), Buffer.from('"\n')]);
    expect(read(notUtf8, { fields, out: ['Id', 'Description'], compounds: [], piece: 3 })).toEqual([{ Id: '001', Description: 'Zo\ufffd' }]);
  });

  it('refuses a page that breaks CSV: an open quote at its end, a stray quote, a row of the wrong width, a row too long', () => {
    const fields: DescribeField[] = [{ name: 'Id', type: 'id' }];
    const fail = (text: string, code: string) => {
      let caught: unknown;
      try {
        read(text, { fields, out: ['Id'], compounds: [] });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CsvError);
      expect((caught as CsvError).code).toBe(code);
    };
    fail('Id\n"001\n', 'CSV_QUOTE_NOT_CLOSED');
    fail('Id\n00"1\n', 'CSV_INVALID_CLOSING_QUOTE');
    fail('Id\n"001"x\n', 'CSV_INVALID_CLOSING_QUOTE');
    fail('Id\n001,002\n', 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH');
    fail(`Id\n"${'a'.repeat(20_000)}`, 'CSV_MAX_RECORD_SIZE');
    // One line ending per page: a second kind is a body damaged on its way, not a row end or cell text.
    fail('Id\n"001"\r\n"002"\n', 'CSV_INCONSISTENT_LINE_ENDINGS');
    fail('Id\r\n"001"\n', 'CSV_INCONSISTENT_LINE_ENDINGS');
    fail('Id\n"001"\r"002"\n', 'CSV_INCONSISTENT_LINE_ENDINGS');
    // csv-parse takes a NUL after a closing quote as cell text (it tests that byte for falsiness): a damaged body here.
    fail('Id\n"001"\u0000\n', 'CSV_INVALID_CLOSING_QUOTE');
  });

  it('reads a page whose rows all end in CR, or all in CRLF, as csv-parse does', () => {
    const fields: DescribeField[] = [{ name: 'Id', type: 'id' }];
    for (const eol of ['\r', '\r\n']) {
      expect(read(`Id${eol}"0\n1"${eol}"002"${eol}`, { fields, out: ['Id'], compounds: [] })).toEqual([{ Id: '0\n1' }, { Id: '002' }]);
    }
  });

  it('reads a row longer than a batch, in pieces of any size, reading each byte at most three times', () => {
    const fields: DescribeField[] = [{ name: 'Id', type: 'id' }];
    // Scaled down together from a 4 MiB row over the default 256 KiB batches: sixteen batches long.
    const batchBytes = 16 * 1024;
    const cell = 'x'.repeat(16 * batchBytes);
    const bytes = Buffer.from(`Id\n"${cell}"\n"002"\n`);
    for (const piece of [64, 256, 1024, 100_000]) {
      const page = new CsvPageSlicer({ describe: fields, compounds: [], output: ['Id'], primaryKey: 'Id', maxRowBytes: 2 * cell.length, batchBytes });
      let records = 0;
      for (let at = 0; at < bytes.length; at += piece) records += page.push(bytes.subarray(at, at + piece)).records.length;
      records += page.end().records.length;
      expect(records).toBe(2);
      // Rescanning the row held back on every piece read some bytes² / (2 × piece): 512 MiB in 64-byte pieces, 32 MiB in 1 KiB ones.
      expect(page.scanned).toBeLessThanOrEqual(3 * bytes.length);
    }
  });
});
