/**
 * The REST page slicer (record-slicer.ts) against the reader it replaced: JSON.parse of the page
 * (as UTF-8, bad bytes replaced), then the documented shaping of each record (written out here
 * again, not imported: `attributes` left out, datetimes normalized, anyType values that are not
 * text made text, a selected field the record lacks written as null). Pages are generated at
 * random and adversarially: escapes of every kind, astral characters and lone surrogates, JSON
 * and non-JSON whitespace, member names escaped, repeated, inherited or shadowing (`__proto__`,
 * `release`), every number form, deep nesting, a BOM, bytes that are not UTF-8, and cuts.
 *
 * A page the reference refuses must be refused; a page it reads must give the same page members
 * and, through the protocol writer, RECORD lines that are UTF-8, valid, and hold the same data.
 * Records must be JSON objects: a page whose records are not is refused (the reference would
 * print a RECORD that is not one).
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { EncodedRecord } from '../../connector/runtime/encoded-record.js';
import type { DescribeField, QueryPage } from '../../connector/salesforce/api/types.js';
import { normalizeDateTime } from '../../connector/salesforce/streams/record-shaper.js';
import { pageSlicer } from '../../connector/salesforce/streams/record-slicer.js';
import { runProperty } from './fuzz.js';
import { canonical, recordLines } from './record-lines.js';
import { jsonText, mangled, numberText, spaces, stringText } from './json-text.js';

const FIELDS: DescribeField[] = [
  { name: 'Id', type: 'id' },
  { name: 'Name', type: 'string' },
  { name: 'AnnualRevenue', type: 'currency' },
  { name: 'IsDeleted', type: 'boolean' },
  { name: 'BillingAddress', type: 'address' },
  { name: 'Value__c', type: 'anyType' },
  { name: 'Payload__c', type: 'json' },
  { name: 'CreatedDate', type: 'datetime' },
  { name: 'SystemModstamp', type: 'datetime' },
];
const PLAN = { fields: FIELDS, primaryKey: 'Id', cursor: 'SystemModstamp' };
const NAMES = FIELDS.map((f) => f.name);

/** The documented shaping, on a record as JSON.parse made it. */
function shape(raw: Record<string, unknown>): Record<string, unknown> {
  if (Object.hasOwn(raw, 'attributes')) raw.attributes = undefined;
  for (const { name, type } of FIELDS) {
    const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
    if (value === undefined) raw[name] = null;
    else if (value === null) continue;
    else if (type === 'datetime' && typeof value === 'string') raw[name] = normalizeDateTime(value);
    else if ((type === 'anyType' || type === 'json') && typeof value !== 'string')
      raw[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return raw;
}

type Reference = { refused: true } | { refused: false; members: unknown[]; records?: Array<Record<string, unknown>> };

function deepest(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

/** What the old path made of a page: JSON.parse, then the shaping of each record. */
export function referencePage(body: Buffer): Reference {
  let parsed: unknown;
  const text = body.toString('utf8');
  try {
    parsed = JSON.parse(text);
  } catch {
    return { refused: true };
  }
  // The one documented limit: JSON.stringify could not write what nests deeper (record-slicer.ts).
  if (deepest(text) > 512) return { refused: true };
  const page = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const own = (key: string) => (Object.hasOwn(page, key) ? page[key] : undefined);
  const members = [own('totalSize'), own('done'), own('nextRecordsUrl')];
  const records = own('records');
  if (!Array.isArray(records)) return { refused: false, members };
  if (!records.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) return { refused: true };
  return { refused: false, members, records: records.map((r) => shape(r as Record<string, unknown>)) };
}

const datetimeText = fc.oneof(
  fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString().replace('Z', '+0000'))),
  fc.constantFrom(
    '"2024-01-01T10:00:00.000Z"',
    '"2024-01-01T10:00:00.000-0130"',
    '"2024-01-01T10:00:00+05:30"',
    '"2024-13-45T99:00:00.000+0000"',
    '"yesterday"',
    '""',
  ),
  fc.constantFrom('"2024-01-01T10:00:00.000\\u002b0000"', '"\\u0032024-01-01T10:00:00.000+0000"'),
  jsonText(1),
);

/** A member name as it may be spelt: plain, or with escapes that JSON.parse reads as the same name. */
const nameText = (name: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(JSON.stringify(name)) },
    {
      weight: 1,
      arbitrary: fc
        .nat(Math.max(0, name.length - 1))
        .map((i) => `"${name.slice(0, i)}\\u${name.charCodeAt(i).toString(16).padStart(4, '0')}${name.slice(i + 1)}"`),
    },
    {
      weight: 1,
      arbitrary: fc
        .nat(Math.max(0, name.length - 1))
        .map((i) => `"${name.slice(0, i)}\\u${name.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}${name.slice(i + 1)}"`),
    },
  );

const attributesValue = fc.oneof(
  { weight: 5, arbitrary: fc.constant('{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000001AAA"}') },
  { weight: 1, arbitrary: jsonText(2) },
);

function valueFor(type: string): fc.Arbitrary<string> {
  if (type === 'datetime') return datetimeText;
  if (type === 'id' || type === 'string') return fc.oneof({ weight: 4, arbitrary: stringText }, { weight: 1, arbitrary: jsonText(1) });
  if (type === 'currency') return fc.oneof({ weight: 4, arbitrary: numberText }, { weight: 1, arbitrary: jsonText(1) });
  if (type === 'boolean') return fc.oneof(fc.constantFrom('true', 'false', 'null'), jsonText(1));
  return jsonText(3);
}

const member = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...FIELDS).chain((f) => fc.tuple(nameText(f.name), valueFor(f.type))) },
  { weight: 2, arbitrary: fc.tuple(nameText('attributes'), attributesValue) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(stringText, nameText('__proto__'), nameText('release'), nameText('records')), jsonText(2)) },
);

/** Members in Salesforce's order (attributes, then the fields) most of the time; any order, repeats and gaps otherwise. */
const recordText = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(attributesValue, ...FIELDS.map((f) => fc.option(valueFor(f.type), { freq: 8 })))
        .map(([attributes, ...values]) => [
          ['"attributes"', attributes] as [string, string],
          ...values.flatMap((v, i) => (v === null ? [] : [[JSON.stringify(NAMES[i]), v] as [string, string]])),
        ]),
    },
    { weight: 1, arbitrary: fc.array(member, { maxLength: 10 }) },
  )
  .chain((members) =>
    fc
      .tuple(fc.array(fc.tuple(spaces, spaces, spaces, spaces), { minLength: members.length, maxLength: members.length }), spaces)
      .map(
        ([gaps, end]) =>
          `{${members.map(([k, v], i) => `${gaps[i][0]}${k}${gaps[i][1]}:${gaps[i][2]}${v}${gaps[i][3]}`).join(',')}${members.length ? '' : end}}`,
      ),
  );

const recordsText = fc
  .array(fc.oneof({ weight: 300, arbitrary: recordText }, { weight: 1, arbitrary: jsonText(1) }), { maxLength: 6 })
  .chain((records) => spaces.map((s) => `[${s}${records.join(`,${s}`)}${s}]`));

const pageMembers = fc.tuple(
  fc.option(fc.oneof({ weight: 20, arbitrary: fc.nat(100).map(String) }, numberText, jsonText(1)), { freq: 10 }),
  fc.option(fc.oneof({ weight: 20, arbitrary: fc.constantFrom('true', 'false') }, jsonText(1)), { freq: 10 }),
  fc.option(fc.oneof(fc.constantFrom('null', '"/services/data/v62.0/query/01gXX-2000"'), stringText), { freq: 3 }),
  fc.option(fc.oneof({ weight: 30, arbitrary: recordsText }, { weight: 1, arbitrary: jsonText(2) }), { freq: 30 }),
  fc.oneof(
    { weight: 5, arbitrary: fc.constant([]) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(fc.oneof(nameText('release'), nameText('__proto__'), nameText('records'), stringText), jsonText(2)), { maxLength: 2 }),
    },
  ),
);

const pageText = fc
  .tuple(pageMembers, spaces, spaces)
  .chain(([[total, done, next, records, extra], s1, s2]) => {
    const members: Array<[string, string]> = [];
    if (total !== null) members.push(['"totalSize"', total]);
    if (done !== null) members.push(['"done"', done]);
    if (next !== null) members.push(['"nextRecordsUrl"', next]);
    if (records !== null) members.push(['"records"', records]);
    members.push(...extra);
    return fc
      .shuffledSubarray(members, { minLength: members.length, maxLength: members.length })
      .map((ordered) => `${s1}{${ordered.map(([k, v]) => `${k}:${v}`).join(`,${s2}`)}}${s1}`);
  })
  .chain((page) =>
    fc.oneof(
      { weight: 12, arbitrary: fc.constant(page) },
      // Wrapped: JSON.parse makes `__proto__` a member like any other, so the page has no records.
      { weight: 1, arbitrary: fc.constant(`{"__proto__":${page}}`) },
    ),
  );

/** A page's bytes: as written most of the time, mangled otherwise. */
export const pageBytes = pageText.chain((text) => mangled(Buffer.from(text, 'utf8')));

/** The slicer on one page, held to the reference; resolves when they agree, throws saying how they differ. */
export async function comparePage(body: Buffer): Promise<void> {
  const expected = referencePage(body);
  let page: QueryPage;
  try {
    page = pageSlicer(PLAN)(body);
  } catch (error) {
    if (expected.refused) return;
    throw new Error(`refused a page the reference reads (${(error as Error).message})`);
  }
  if (expected.refused) throw new Error('read a page the reference refuses');
  const members = [page.totalSize, page.done, page.nextRecordsUrl];
  if (!isDeepStrictEqual(members, expected.members)) throw new Error(`page members ${canonical(members)}, reference ${canonical(expected.members)}`);
  if (!expected.records) {
    if (Array.isArray(page.records)) throw new Error('records where the reference has none');
    return;
  }
  if (!Array.isArray(page.records)) throw new Error('no records where the reference has some');
  const got = await recordLines(page.records);
  const want = expected.records.map((r) => JSON.parse(JSON.stringify(r)) as unknown);
  if (got.length !== want.length) throw new Error(`${got.length} records, reference ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    if (canonical(got[i]) !== canonical(want[i])) throw new Error(`record ${i}: ${canonical(got[i])}\n reference: ${canonical(want[i])}`);
    // The Id and the cursor, as the checkpoints read them.
    const keys = page.records[i] instanceof EncodedRecord ? page.records[i] : undefined;
    for (const name of ['Id', 'SystemModstamp']) {
      const value = (keys ?? page.records[i])[name];
      if (!isDeepStrictEqual(value, expected.records[i][name]))
        throw new Error(`record ${i}: ${name} read as ${canonical(value)}, reference ${canonical(expected.records[i][name])}`);
    }
  }
  page.release?.();
}

export function restProperties(defaultRuns: number): Promise<void> {
  return runProperty('REST pages against JSON.parse and the shaping', fc.asyncProperty(pageBytes, comparePage), defaultRuns);
}
