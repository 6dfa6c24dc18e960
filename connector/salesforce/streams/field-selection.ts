/**
 * Which fields a read selects: those of the configured stream that the org's describe still has.
 * A field removed or hidden by field-level security since discover is dropped (and reported) instead
 * of failing the whole query with INVALID_FIELD.
 */
import { ConfigError } from '../../runtime/errors.js';
import { requiredFields, streamKeys, type StreamKeys } from '../objects.js';
import { isSupportedField } from '../schema/field-mapping.js';
import type { DescribeField, DescribeResult } from '../api/types.js';
import { DELETED_AT_FIELD } from './deleted-records.js';

export interface FieldSelection {
  fields: DescribeField[];
  /** configured fields the org no longer lets us read */
  dropped: string[];
  /** the object's primary key and cursor, always selected */
  keys: StreamKeys;
}

export function selectFields(describe: DescribeResult, configured: readonly string[] | undefined, object: string): FieldSelection {
  const readable = new Map(describe.fields.filter(isSupportedField).map((f) => [f.name, f]));
  for (const required of requiredFields(object)) {
    if (!readable.has(required)) {
      throw new ConfigError(
        `The integration user cannot read ${object}.${required}; make it visible through field-level security in the user's permission set.`,
        {
          stream: object,
        },
      );
    }
  }
  const keys = streamKeys([...readable.values()]);
  if (!configured) return { fields: [...readable.values()], dropped: [], keys };
  // The deletion time is no field of the object: only deletion records carry it.
  const wanted = new Set([...[keys.primaryKey, keys.cursor].filter((k): k is string => k !== undefined), ...configured.filter((n) => n !== DELETED_AT_FIELD)]);
  const fields: DescribeField[] = [];
  const dropped: string[] = [];
  for (const name of wanted) {
    const field = readable.get(name);
    if (field) fields.push(field);
    else dropped.push(name);
  }
  return { fields, dropped, keys };
}
