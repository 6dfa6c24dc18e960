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

export function createRowConverter(columns: readonly string[], describe: readonly DescribeField[], compounds: readonly CompoundField[]): RowConverter {
  const types = new Map(describe.map((f) => [f.name, f.type]));
  const converters = columns.map((c) => converterFor(types.get(c)));
  // Rebuilt objects list their keys alphabetically, as the REST API does.
  const rebuilt = compounds.map((c) => ({ name: c.name, parts: [...c.parts].sort((a, b) => a[1].localeCompare(b[1])) }));
  return (row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const raw = row[columns[i]];
      out[columns[i]] = raw === undefined || raw === '' ? null : converters[i](raw);
    }
    for (const compound of rebuilt) {
      let any = false;
      const value: Record<string, unknown> = {};
      for (const [field, key] of compound.parts) {
        const part = out[field] ?? null;
        if (part !== null) any = true;
        value[key] = part;
      }
      out[compound.name] = any ? value : null;
    }
    return out;
  };
}
