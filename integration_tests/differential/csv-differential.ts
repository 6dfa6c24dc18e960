/**
 * The Bulk CSV slicer (csv-slicer.ts, csv-rows.ts) against the reader it replaced: csv-parse with
 * the options the old path used (`columns: false, bom: true`, UTF-8) on the whole page, then the
 * old typing of each row (written out here again: numbers by Number() when finite, `true`/`false`,
 * datetimes normalized, empty cells null, compound fields rebuilt, a column the header lacks null).
 * Pages are generated at random and adversarially: cells with quotes, commas, CR, LF and CRLF
 * inside, backslashes, control and astral characters, lone surrogates, every number form; headers
 * reordered, short, repeated or in another case; LF, CRLF or CR line ends; a BOM; then mangled
 * (a second kind of line end, a stray quote, bytes that are not UTF-8, a byte changed, a cut) and
 * fed in pieces of every size, with batches as small as one byte.
 *
 * A page csv-parse refuses must be refused, and so must one whose rows end in two ways (outside
 * quotes) or that holds a NUL right after a closing quote: csv-parse reads those as cell text, where
 * they are a body damaged on its way, to be fetched again (see `damaged`). Any other page must give the same records, as RECORD lines that are UTF-8 and valid. The bytes
 * the slicer reads stay within three times the page's, whatever the pieces.
 */
import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { DescribeField } from '../../connector/salesforce/api/types.js';
import { CsvPageSlicer, type CsvRecordPlan } from '../../connector/salesforce/bulk/csv-slicer.js';
import type { CompoundField } from '../../connector/salesforce/bulk/bulk-fields.js';
import { normalizeDateTime } from '../../connector/salesforce/streams/record-shaper.js';
import { runProperty } from './fuzz.js';
import { notUtf8 } from './json-text.js';
import { canonical, recordLines } from './record-lines.js';

const DESCRIBE: DescribeField[] = [
  { name: 'Id', type: 'id' },
  { name: 'Name', type: 'string' },
  { name: 'Amount', type: 'currency' },
  { name: 'NumberOfEmployees', type: 'int' },
  { name: 'IsDeleted', type: 'boolean' },
  { name: 'SystemModstamp', type: 'datetime' },
  { name: 'LastActivityDate', type: 'date' },
  { name: 'BillingStreet', type: 'textarea' },
  { name: 'BillingCity', type: 'string' },
  { name: 'BillingLatitude', type: 'double' },
  { name: 'BillingAddress', type: 'address' },
];
const COMPOUNDS: CompoundField[] = [
  {
    name: 'BillingAddress',
    parts: [
      ['BillingStreet', 'street'],
      ['BillingCity', 'city'],
      ['BillingLatitude', 'latitude'],
    ],
  },
];
const OUTPUT = ['Id', 'Name', 'Amount', 'NumberOfEmployees', 'IsDeleted', 'SystemModstamp', 'LastActivityDate', 'BillingAddress'];
const COLUMNS = DESCRIBE.filter((f) => f.type !== 'address').map((f) => f.name);
const TYPE = new Map(DESCRIBE.map((f) => [f.name, f.type]));

// ---- the reference: csv-parse, then the old typing ----

type Converter = (raw: string | undefined) => unknown;
const text: Converter = (raw) => (raw === undefined || raw === '' ? null : raw);
const number: Converter = (raw) => (raw === undefined || raw === '' ? null : Number.isFinite(Number(raw)) ? Number(raw) : raw);
const boolean: Converter = (raw) => (raw === undefined || raw === '' ? null : raw === 'true' ? true : raw === 'false' ? false : raw);
const datetime: Converter = (raw) => (raw === undefined || raw === '' ? null : normalizeDateTime(raw));
function converter(type: string | undefined): Converter {
  if (type === 'int' || type === 'long' || type === 'double' || type === 'currency' || type === 'percent') return number;
  if (type === 'boolean') return boolean;
  if (type === 'datetime') return datetime;
  return text;
}

type Reference = { refused: true } | { refused: false; records: Array<Record<string, unknown>> };

export function referencePage(body: Buffer): Reference {
  let rows: string[][];
  try {
    rows = parse(body, { columns: false, bom: true }) as string[][];
  } catch {
    return { refused: true };
  }
  if (rows.length === 0) return { refused: false, records: [] };
  const [header, ...data] = rows;
  const exact = new Map(header.map((name, i) => [name, i]));
  const folded = new Map(header.map((name, i) => [name.toLowerCase(), i]));
  const column = (name: string) => exact.get(name) ?? folded.get(name.toLowerCase()) ?? -1;
  const cell = (row: string[], name: string) => (column(name) < 0 ? null : converter(TYPE.get(name))(row[column(name)]));
  const records = data.map((row) => {
    const record: Record<string, unknown> = {};
    for (const name of OUTPUT) {
      const compound = COMPOUNDS.find((c) => c.name === name);
      if (!compound) {
        record[name] = cell(row, name);
        continue;
      }
      const parts = [...compound.parts].sort((a, b) => a[1].localeCompare(b[1]));
      const present = parts.some(([field]) => column(field) >= 0 && text(row[column(field)]) !== null);
      record[name] = present ? Object.fromEntries(parts.map(([field, key]) => [key, cell(row, field)])) : null;
    }
    return record;
  });
  return { refused: false, records };
}

/**
 * Whether the page is damaged in a way csv-parse reads past and the slicer refuses: rows that end in
 * more than one way (outside quotes), or a NUL byte right after a closing quote (csv-parse tests the
 * byte after a closing quote for falsiness, so it takes NUL, and only NUL, as cell text there).
 */
export function damaged(body: Buffer): boolean {
  let quoted = false;
  let first = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === 0x22) {
      quoted = !quoted;
      if (!quoted && body[i + 1] === 0x00) return true;
    }
    if (quoted || (c !== 0x0a && c !== 0x0d)) continue;
    const end = c === 0x0d && body[i + 1] === 0x0a ? '\r\n' : c === 0x0d ? '\r' : '\n';
    if (end === '\r\n') i++;
    if (!first) first = end;
    else if (end !== first) return true;
  }
  return false;
}

// ---- the generators ----

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const character = fc.oneof(
  { weight: 10, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom('"', '""', ',', '\n', '\r', '\r\n', '\\', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\ufeff', 'é', '東', '😀', ' '),
  },
  { weight: 1, arbitrary: loneSurrogate },
);
const textCell = fc.array(character, { maxLength: 10 }).map((chars) => chars.join(''));
const numberCell = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -1e9, max: 1e9 }).map(String) },
  { weight: 3, arbitrary: fc.double({ noNaN: true }).map(String) },
  { weight: 2, arbitrary: fc.stringMatching(/^-?[0-9]{1,20}(\.[0-9]{0,20})?([eE][+-]?[0-9]{1,3})?$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '-0',
      '-0.0',
      '100.0',
      '12.50',
      '1e3',
      '1e400',
      ' 12 ',
      '0x1F',
      '0b11',
      'Infinity',
      '-Infinity',
      'NaN',
      '00012',
      '1,000',
      '.5',
      '5.',
      '+7',
      '0.0000001',
      '123456789012345678',
    ),
  },
  { weight: 1, arbitrary: textCell },
);
const booleanCell = fc.oneof(fc.constantFrom('true', 'false', 'TRUE', 'False', 'yes', '1'), textCell);
const datetimeCell = fc.oneof(
  { weight: 4, arbitrary: fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('2024-01-01T10:00:00.000+0000', '2024-01-01T10:00:00.000-0130', '2024-01-01T10:00:00Z', '2024-13-45T99:00:00.000Z', 'yesterday'),
  },
  { weight: 1, arbitrary: textCell },
);
function cellFor(name: string): fc.Arbitrary<string> {
  const type = TYPE.get(name);
  const value =
    type === 'currency' || type === 'int' || type === 'double' ? numberCell : type === 'boolean' ? booleanCell : type === 'datetime' ? datetimeCell : textCell;
  return fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: fc.constant('') });
}

/** A cell as Salesforce writes it (quoted unless null), or quoted only where it must be. */
const written = (value: string, quoteAll: boolean) => (value === '' ? '' : quoteAll || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

const header = fc.oneof(
  { weight: 8, arbitrary: fc.constant(COLUMNS) },
  { weight: 1, arbitrary: fc.shuffledSubarray(COLUMNS, { minLength: COLUMNS.length, maxLength: COLUMNS.length }) },
  { weight: 1, arbitrary: fc.shuffledSubarray([...COLUMNS, 'Extra__c', 'id', 'NAME', 'Name'], { minLength: 1 }) },
);

const page = fc
  .record({
    header,
    quoteAll: fc.boolean(),
    end: fc.constantFrom('\n', '\n', '\n', '\r\n', '\r'),
    bom: fc.nat(9).map((n) => n === 0),
    lastEnd: fc.nat(4).map((n) => n > 0),
    width: fc.nat(40).map((n) => (n === 0 ? 1 : 0)),
  })
  .chain(({ header, quoteAll, end, bom, lastEnd, width }) =>
    fc.array(fc.tuple(...header.map(cellFor)), { maxLength: 8 }).map((rows) => {
      const lines = [header.map((h) => written(h, quoteAll)), ...rows.map((row) => row.map((v) => written(v, quoteAll)))].map((cells, i) =>
        // now and then a row one cell short
        (i === rows.length && width ? cells.slice(1) : cells).join(','),
      );
      return Buffer.from(`${bom ? '\ufeff' : ''}${lines.join(end)}${lastEnd ? end : ''}`, 'utf8');
    }),
  );

/** The page as written most of the time; otherwise broken the ways a body is damaged on its way. */
export const csvBody = page.chain((bytes) => {
  const at = fc.nat(bytes.length);
  const insert = (i: number, bad: readonly number[]) => Buffer.concat([bytes.subarray(0, i), Buffer.from(bad), bytes.subarray(i)]);
  return fc.oneof(
    { weight: 20, arbitrary: fc.constant(bytes) },
    { weight: 2, arbitrary: fc.tuple(at, fc.constantFrom([0x0a], [0x0d], [0x0d, 0x0a], [0x22], [0x2c], [0x00])).map(([i, bad]) => insert(i, bad)) },
    { weight: 3, arbitrary: fc.tuple(at, notUtf8).map(([i, bad]) => insert(i, bad)) },
    {
      weight: 1,
      arbitrary: fc.tuple(at, fc.integer({ min: 0, max: 255 })).map(([i, c]) => Buffer.concat([bytes.subarray(0, i), Buffer.from([c]), bytes.subarray(i + 1)])),
    },
    { weight: 1, arbitrary: at.map((i) => bytes.subarray(0, i)) },
  );
});

/** Where the body is cut into the pieces the slicer is given: one size throughout, or sizes at random. */
const cuts = fc.oneof(
  fc.integer({ min: 1, max: 64 }).map((size) => [size]),
  fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
);

const PLAN: CsvRecordPlan = { describe: DESCRIBE, compounds: COMPOUNDS, output: OUTPUT, primaryKey: 'Id', cursor: 'SystemModstamp', maxRowBytes: 1 << 30 };

function pieces(bytes: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

/** The slicer on one page, in pieces, held to the reference; throws saying how they differ. */
export async function comparePage(bytes: Buffer, sizes: number[], batchBytes: number): Promise<void> {
  const expected = referencePage(bytes);
  const slicer = new CsvPageSlicer({ ...PLAN, batchBytes });
  const records: object[] = [];
  try {
    for (const piece of pieces(bytes, sizes)) records.push(...slicer.push(piece).records);
    records.push(...slicer.end().records);
  } catch (error) {
    if (expected.refused || damaged(bytes)) return;
    throw new Error(`refused a page csv-parse reads (${(error as Error).message})`);
  }
  if (expected.refused) throw new Error('read a page csv-parse refuses');
  if (damaged(bytes)) throw new Error('read a damaged page (rows that end in two ways, or a NUL after a closing quote)');
  if (isUtf8(bytes) && slicer.scanned > 3 * bytes.length + 3) throw new Error(`read ${slicer.scanned} bytes of a ${bytes.length}-byte page`);
  const got = await recordLines(records);
  const want = expected.records.map((r) => JSON.parse(JSON.stringify(r)) as unknown);
  if (got.length !== want.length || slicer.rows !== want.length) throw new Error(`${got.length} records (${slicer.rows} rows), csv-parse ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    if (canonical(got[i]) !== canonical(want[i])) throw new Error(`record ${i}: ${canonical(got[i])}\n csv-parse: ${canonical(want[i])}`);
    for (const name of ['Id', 'SystemModstamp']) {
      const value = (records[i] as Record<string, unknown>)[name];
      if (!isDeepStrictEqual(value, expected.records[i][name]))
        throw new Error(`record ${i}: ${name} read as ${canonical(value)}, csv-parse ${canonical(expected.records[i][name])}`);
    }
  }
}

export function csvProperties(defaultRuns: number): Promise<void> {
  return runProperty(
    'Bulk CSV pages against csv-parse and the typing',
    fc.asyncProperty(csvBody, cuts, fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(256 * 1024)), comparePage),
    defaultRuns,
  );
}
