/** The standard fields each stream promises (schemas/<Object>.json), and which of them an org hides. */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../runtime/package-root.js';
import type { DescribeResult } from '../api/types.js';
import { DEFAULT_OBJECTS } from '../config/defaults.js';

// The packaged schemas never change while the process runs: each is read once, not on every describe.
const promised = new Map<string, readonly string[]>();

/** The six have a promised field list; any other object offers what its describe shows, no more. */
export function baselineFields(object: string): readonly string[] {
  if (!(DEFAULT_OBJECTS as readonly string[]).includes(object)) return [];
  let fields = promised.get(object);
  if (!fields) {
    const schema = JSON.parse(readFileSync(packagePath('schemas', `${object}.json`), 'utf8')) as { properties: Record<string, unknown> };
    promised.set(object, (fields = Object.freeze(Object.keys(schema.properties))));
  }
  return fields;
}

export function hiddenBaselineFields(object: string, describe: DescribeResult): string[] {
  const visible = new Set(describe.fields.map((f) => f.name));
  return baselineFields(object).filter((name) => !visible.has(name));
}
