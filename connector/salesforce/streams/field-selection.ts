/**
 * Which fields a read selects: those of the configured stream that the org's describe still has.
 * A field removed or hidden by field-level security since discover is dropped (and reported) instead
 * of failing the whole query with INVALID_FIELD.
 */
import { ConfigError } from '../../runtime/errors.js';
import { CURSOR_FIELD, PRIMARY_KEY } from '../objects.js';
import { isSupportedField } from '../schema/field-mapping.js';
import type { DescribeField, DescribeResult } from '../api/types.js';

export interface FieldSelection {
  fields: DescribeField[];
  /** configured fields the org no longer lets us read */
  dropped: string[];
}

export function selectFields(describe: DescribeResult, configured: readonly string[] | undefined, object: string): FieldSelection {
  const readable = new Map(describe.fields.filter(isSupportedField).map((f) => [f.name, f]));
  for (const required of [PRIMARY_KEY, CURSOR_FIELD]) {
    if (!readable.has(required)) {
      throw new ConfigError(`The Run As user cannot read ${object}.${required}; make it visible through field-level security in the user's permission set.`, {
        stream: object,
      });
    }
  }
  if (!configured) return { fields: [...readable.values()], dropped: [] };
  const wanted = new Set([PRIMARY_KEY, CURSOR_FIELD, ...configured]);
  const fields: DescribeField[] = [];
  const dropped: string[] = [];
  for (const name of wanted) {
    const field = readable.get(name);
    if (field) fields.push(field);
    else dropped.push(name);
  }
  return { fields, dropped };
}
