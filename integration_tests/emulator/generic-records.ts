/**
 * Records of the objects beyond the six, made from their field types alone: deterministic from the
 * seed and the record's position, references pointing at records of the six where they can.
 */
import { blankRecord, specOf, type SObjectName, type SRecord } from './field-catalog.js';
import type { GenContext } from './data-generator.js';
import type { FieldSpec } from './field-spec.js';
import { makeId } from './ids.js';
import { DAY_MS, formatDate, formatDateTime } from './sf-time.js';

/** The field a generic object's rows are ordered and stamped by: its best cursor, else none. */
export function stampField(object: SObjectName): string | null {
  const spec = specOf(object);
  for (const name of ['SystemModstamp', 'LastModifiedDate', 'CreatedDate', 'LoginTime'])
    if (spec.byName.get(name.toLowerCase())?.type === 'datetime') return name;
  return null;
}

const SYSTEM_STAMPS = new Set(['SystemModstamp', 'LastModifiedDate', 'CreatedDate', 'LoginTime']);

function referenceValue(fs: FieldSpec, ctx: GenContext): string | null {
  const pool: Record<string, string[]> = {
    User: ctx.users,
    Account: ctx.accounts,
    Opportunity: ctx.opportunities,
    Contact: ctx.contacts.map((c) => c.id),
  };
  for (const target of fs.referenceTo) {
    const ids = pool[target];
    if (ids?.length) return ctx.rng.pick(ids);
  }
  return null;
}

function value(fs: FieldSpec, ctx: GenContext, n: number, stamp: number, version: string): SRecord[string] {
  const r = ctx.rng;
  switch (fs.type) {
    case 'reference':
      return referenceValue(fs, ctx);
    case 'boolean':
      return r.chance(0.4);
    case 'int':
    case 'long':
      return r.int(0, 5000);
    case 'double':
    case 'currency':
    case 'percent':
      return Math.round(r.next() * 1_000_000) / 100;
    case 'date':
      return formatDate(stamp + r.int(-200, 200) * DAY_MS);
    case 'datetime':
      return formatDateTime(stamp - r.int(0, 90) * DAY_MS);
    case 'time':
      return `${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00.000Z`;
    case 'picklist':
    case 'combobox':
      return fs.picklist.length ? r.pick(fs.picklist) : null;
    case 'email':
      return `contact${n}@example.com`;
    case 'base64':
      // Queries answer a base64 field with the URL its body is fetched from, never the body itself.
      return `/services/data/v${version}/sobjects/${fs.name}/${n}/Body`;
    case 'anyType':
      // History rows hold the old and new value in the type of the field that changed.
      return r.chance(0.2) ? null : r.chance(0.5) ? `Value ${r.int(1, 99)}` : r.chance(0.5) ? r.int(1, 100000) : r.chance(0.5);
    case 'json':
      return JSON.stringify({ n, flag: r.chance(0.5) });
    case 'address':
    case 'location':
    case 'id':
      return null;
    default:
      return r.chance(0.1) ? null : `${fs.label} ${n}`;
  }
}

/** One record of a generic object, stamped `stamp` in its stamp field (and its other audit dates). */
export function genericRecord(object: SObjectName, ctx: GenContext, counter: number, stamp: number): SRecord {
  const spec = specOf(object);
  const rec = blankRecord(object);
  for (const fs of spec.fields) {
    if (fs.components !== null) continue;
    if (fs.type === 'id') rec[fs.name] = makeId(spec.keyPrefix ?? '000', counter);
    else if (SYSTEM_STAMPS.has(fs.name)) rec[fs.name] = formatDateTime(stamp);
    else if (fs.name === 'IsDeleted') rec.IsDeleted = false;
    else rec[fs.name] = value(fs, ctx, counter, stamp, '62.0');
  }
  if ('Body' in rec && spec.byName.get('body')?.type === 'base64') rec.Body = `/services/data/v62.0/sobjects/${object}/${String(rec.Id)}/Body`;
  return rec;
}
