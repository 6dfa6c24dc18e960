/**
 * Turns Bulk API CSV rows (every value a string, empty meaning null) into records shaped like the
 * REST API's: typed numbers and booleans, compound fields rebuilt. Built once per stream so each row
 * costs one pass over its columns.
 */
import type { DescribeField } from '../salesforce/types.js';
import type { CompoundField } from './bulk-fields.js';

type Convert = (value: string) => unknown;

const toNumber: Convert = (v) => {
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
};
const toBoolean: Convert = (v) => (v === 'true' ? true : v === 'false' ? false : v);
const asText: Convert = (v) => v;

function converterFor(type: string | undefined): Convert {
  switch (type) {
    case 'int':
    case 'long':
    case 'double':
    case 'currency':
    case 'percent':
      return toNumber;
    case 'boolean':
      return toBoolean;
    default:
      return asText;
  }
}

export type RowConverter = (row: Record<string, string>) => Record<string, unknown>;

/** `output` are the selected field names: plain columns pass through typed, compounds are rebuilt. */
export function createRowConverter(
  columns: readonly string[],
  describe: readonly DescribeField[],
  compounds: readonly CompoundField[],
  output: readonly string[] = [...columns, ...compounds.map((c) => c.name)],
): RowConverter {
  const types = new Map(describe.map((f) => [f.name, f.type]));
  const column = new Map(columns.map((c, i) => [c, i]));
  const converters = columns.map((c) => converterFor(types.get(c)));
  // Rebuilt objects list their keys alphabetically, as the REST API does.
  const rebuilt = new Map(
    compounds.map((c) => [c.name, [...c.parts].sort((a, b) => a[1].localeCompare(b[1])).map(([field, key]) => [column.get(field)!, key] as const)]),
  );
  const plan = output.map((name) => ({ name, index: column.get(name), parts: rebuilt.get(name) }));
  const values: unknown[] = new Array(columns.length);
  return (row) => {
    for (let i = 0; i < columns.length; i++) {
      const raw = row[columns[i]];
      values[i] = raw === undefined || raw === '' ? null : converters[i](raw);
    }
    const out: Record<string, unknown> = {};
    for (const field of plan) {
      if (field.parts) {
        let any = false;
        const value: Record<string, unknown> = {};
        for (const [index, key] of field.parts) {
          const part = values[index] ?? null;
          if (part !== null) any = true;
          value[key] = part;
        }
        out[field.name] = any ? value : null;
      } else {
        out[field.name] = field.index === undefined ? null : values[field.index];
      }
    }
    return out;
  };
}
