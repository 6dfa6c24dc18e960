/**
 * Turns Bulk API CSV rows (csv-parse arrays, every value a string, empty meaning null) into the
 * final RECORD data, identical to what the REST path yields after its shaper: typed numbers and
 * booleans, datetimes normalized, compound fields rebuilt. Built once per job from the header row,
 * so each row costs one pass that reads cells by index and builds the record directly: no object
 * per CSV row, no second pass.
 */
import type { DescribeField } from '../salesforce/types.js';
import { normalizeDateTime } from '../streams/record-shaper.js';
import type { CompoundField } from './bulk-fields.js';

// Small integers rather than a function per cell: a switch over these stays monomorphic.
const TEXT = 0;
const NUMBER = 1;
const BOOLEAN = 2;
const DATETIME = 3;
type Kind = typeof TEXT | typeof NUMBER | typeof BOOLEAN | typeof DATETIME;

function kindOf(type: string | undefined): Kind {
  switch (type) {
    case 'int':
    case 'long':
    case 'double':
    case 'currency':
    case 'percent':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'datetime':
      return DATETIME;
    default:
      return TEXT;
  }
}

/** A cell as REST would have typed it; `undefined` is a column the header lacks. */
function cellValue(kind: Kind, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return null;
  switch (kind) {
    case NUMBER: {
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
    case BOOLEAN:
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case DATETIME:
      return normalizeDateTime(raw);
    default:
      return raw;
  }
}

interface Part {
  key: string;
  index: number;
  kind: Kind;
}

interface Step {
  name: string;
  /** column of a plain field, -1 when the header lacks it */
  index: number;
  kind: Kind;
  /** components of a compound field, keys in alphabetical order as the REST API sends them */
  parts: Part[] | null;
}

export type RowConverter = (row: readonly string[]) => Record<string, unknown>;

/** Where each name sits in the header; a name the header spells in another case still matches. */
function columnIndexes(header: readonly string[]): (name: string) => number {
  const exact = new Map(header.map((name, i) => [name, i]));
  const folded = new Map(header.map((name, i) => [name.toLowerCase(), i]));
  return (name) => exact.get(name) ?? folded.get(name.toLowerCase()) ?? -1;
}

/**
 * `header` is the result page's header row; `output` are the selected field names, in the order
 * REST returns them: plain columns pass through typed, compounds are rebuilt from their components.
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
  const steps: Step[] = output.map((name) => {
    const parts = compound.get(name)?.parts;
    return {
      name,
      index: parts ? -1 : column(name),
      kind: kindOf(types.get(name)),
      parts: parts
        ? [...parts].sort((a, b) => a[1].localeCompare(b[1])).map(([field, key]) => ({ key, index: column(field), kind: kindOf(types.get(field)) }))
        : null,
    };
  });
  return (row) => {
    const out: Record<string, unknown> = {};
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s];
      const parts = step.parts;
      if (parts === null) {
        out[step.name] = cellValue(step.kind, row[step.index]);
        continue;
      }
      // REST sends a compound field whose components are all empty as null, not as an object of nulls.
      let value: Record<string, unknown> | null = null;
      for (let p = 0; p < parts.length; p++) {
        const raw = row[parts[p].index];
        if (raw !== undefined && raw !== '') {
          value = {};
          for (const part of parts) value[part.key] = cellValue(part.kind, row[part.index]);
          break;
        }
      }
      out[step.name] = value;
    }
    return out;
  };
}

/** Same columns, same order: a page whose header matches the last one reuses its converter. */
export function sameHeader(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
