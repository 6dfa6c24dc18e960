/** The standard fields each stream promises (schemas/<Object>.json), and which of them an org hides. */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../runtime/package-root.js';
import type { DescribeResult } from '../api/types.js';
import { DEFAULT_OBJECTS } from '../config/defaults.js';

/** The six have a promised field list; any other object offers what its describe shows, no more. */
export function baselineFields(object: string): string[] {
  if (!(DEFAULT_OBJECTS as readonly string[]).includes(object)) return [];
  const schema = JSON.parse(readFileSync(packagePath('schemas', `${object}.json`), 'utf8')) as { properties: Record<string, unknown> };
  return Object.keys(schema.properties);
}

export function hiddenBaselineFields(object: string, describe: DescribeResult): string[] {
  const visible = new Set(describe.fields.map((f) => f.name));
  return baselineFields(object).filter((name) => !visible.has(name));
}
