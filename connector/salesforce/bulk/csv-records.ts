/**
 * Turns Bulk API CSV rows (csv-parse arrays, every value a string, empty meaning null) into the
 * final RECORD data, identical to what the REST path yields after its shaper: typed numbers and
 * booleans, datetimes normalized, compound fields rebuilt. Built once per job from the header row,
 * so each row costs one pass that reads cells by index and builds the record directly: no object
 * per CSV row, no second pass.
 */
import type { DescribeField } from '../api/types.js';
import { normalizeDateTime } from '../streams/record-shaper.js';
import type { CompoundField } from './bulk-fields.js';

type Convert = (raw: string | undefined) => unknown;

// Each converter takes a cell as csv-parse gives it; `undefined` is a column the header lacks.
const text: Convert = (raw) => (raw === undefined || raw === '' ? null : raw);
const number: Convert = (raw) => {
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
};
const boolean: Convert = (raw) => (raw === undefined || raw === '' ? null : raw === 'true' ? true : raw === 'false' ? false : raw);
const datetime: Convert = (raw) => (raw === undefined || raw === '' ? null : normalizeDateTime(raw));
const CONVERTERS = { text, number, boolean, datetime };
type ConverterName = keyof typeof CONVERTERS;

function converterFor(type: string | undefined): ConverterName {
  switch (type) {
    case 'int':
    case 'long':
    case 'double':
    case 'currency':
    case 'percent':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'datetime';
    default:
      return 'text';
  }
}

export type RowConverter = (row: readonly string[]) => Record<string, unknown>;

/** Where each name sits in the header; a name the header spells in another case still matches. */
function columnIndexes(header: readonly string[]): (name: string) => number {
  const exact = new Map(header.map((name, i) => [name, i]));
  const folded = new Map(header.map((name, i) => [name.toLowerCase(), i]));
  return (name) => exact.get(name) ?? folded.get(name.toLowerCase()) ?? -1;
}

/** A property name in the literal; `__proto__` written plainly would set the prototype instead. */
const key = (name: string) => (name === '__proto__' ? '["__proto__"]' : JSON.stringify(name));

/** `conv(row[i])`, or null for a column the header lacks. */
const cellSource = (conv: ConverterName, index: number) => (index < 0 ? 'null' : `${conv}(row[${index}])`);

/**
 * `header` is the result page's header row; `output` are the selected field names, in the order
 * REST returns them: plain columns pass through typed, compounds are rebuilt from their components.
 *
 * The converter is compiled into one function that returns an object literal. Assigning some 50
 * names one by one in a loop cost more per row than building the literal, and gave objects that
 * JSON.stringify walks more slowly. Only JSON-quoted field names, integer indexes and the fixed
 * converter names above go into the source text.
 */
export function createRowConverter(
  header: readonly string[],
  describe: readonly DescribeField[],
  compounds: readonly CompoundField[],
  output: readonly string[] = [...header, ...compounds.map((c) => c.name)],
): RowConverter {
  const types = new Map(describe.map((f) => [f.name, f.type]));
  const column = columnIndexes(header);
  const compound = new Map(compounds.map((c) => [c.name, c]));
  const properties = output.map((name) => {
    const parts = compound.get(name)?.parts;
    if (!parts) return `${key(name)}: ${cellSource(converterFor(types.get(name)), column(name))}`;
    // Keys in alphabetical order, as the REST API sends them.
    const sorted = [...parts]
      .sort((a, b) => a[1].localeCompare(b[1]))
      .map(([field, partKey]) => ({ key: partKey, index: column(field), conv: converterFor(types.get(field)) }));
    const present = sorted.filter((p) => p.index >= 0).map((p) => `text(row[${p.index}]) !== null`);
    const value = `{ ${sorted.map((p) => `${key(p.key)}: ${cellSource(p.conv, p.index)}`).join(', ')} }`;
    // REST sends a compound field whose components are all empty as null, not as an object of nulls.
    return `${key(name)}: ${present.length ? `(${present.join(' || ')}) ? ${value} : null` : 'null'}`;
  });
  const names = Object.keys(CONVERTERS) as ConverterName[];
  const compile = new Function(...names, `'use strict'; return (row) => ({ ${properties.join(', ')} });`) as (...converters: Convert[]) => RowConverter;
  return compile(...names.map((n) => CONVERTERS[n]));
}

/** Same columns, same order: a page whose header matches the last one reuses its converter. */
export function sameHeader(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
