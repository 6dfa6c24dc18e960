/**
 * What a stream is keyed on. Any object the org exposes can be a stream; the six below are the
 * default selection. Each object's cursor is chosen from its own describe, in this order of
 * preference, because not every object has SystemModstamp (history objects only have CreatedDate).
 */
import type { DescribeField } from './api/types.js';
import { DEFAULT_OBJECTS } from './config/defaults.js';
import { LEGACY_CURSOR } from './state/cursor.js';

export const PRIMARY_KEY = 'Id';

/**
 * Cursor candidates, best first. SystemModstamp moves on every change, system ones included;
 * LastModifiedDate misses changes made by the system; CreatedDate only suits append-only objects.
 */
export const CURSOR_CANDIDATES = ['SystemModstamp', 'LastModifiedDate', 'CreatedDate'] as const;

export interface StreamKeys {
  /** `Id` when the object has one; without it a stream is full refresh only and cannot resume. */
  primaryKey?: string;
  /** Set only with a primary key: incremental reads order ties by Id. */
  cursor?: string;
}

/** The keys of an object from its readable fields. */
export function streamKeys(fields: readonly DescribeField[]): StreamKeys {
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (byName.get(PRIMARY_KEY)?.type !== 'id') return {};
  const cursor = CURSOR_CANDIDATES.find((name) => byName.get(name)?.type === 'datetime');
  return { primaryKey: PRIMARY_KEY, cursor };
}

/** The six promise Id and SystemModstamp (schemas/<Object>.json): hidden ones are a permission problem, not a cursor choice. */
export function requiredFields(object: string): string[] {
  return (DEFAULT_OBJECTS as readonly string[]).includes(object) ? [PRIMARY_KEY, LEGACY_CURSOR] : [];
}
