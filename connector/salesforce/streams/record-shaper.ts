/**
 * Turns one record as Salesforce sent it (the selected fields plus `attributes`) into the RECORD
 * payload, with Salesforce's `+0000` datetimes rewritten as ISO-8601 `Z` so they satisfy
 * format: date-time. Built once per stream so the per-record work is a single pass over the fields.
 */
import type { DescribeField } from '../api/types.js';

// REST sends `…000+0000`, Bulk CSV `…000Z`: both are UTC with milliseconds and need no Date round trip.
const SF_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|\+0000)$/;

export function normalizeDateTime(value: string): string {
  if (SF_UTC.test(value)) return value.length === 24 ? value : `${value.slice(0, 23)}Z`;
  // Other offsets: make `+hhmm` into `+hh:mm`, which Date.parse reads everywhere.
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export type RecordShaper = (raw: Record<string, unknown>) => Record<string, unknown>;

/**
 * Works on the parsed record in place instead of copying it: a copy per record was the largest cost
 * of a read after JSON itself. `attributes` is set to undefined, which JSON.stringify leaves out and
 * which keeps the object's shape (deleting a key would make every later access slow).
 */
export function createRecordShaper(fields: readonly DescribeField[]): RecordShaper {
  const names = fields.map((f) => f.name);
  const isDateTime = fields.map((f) => f.type === 'datetime');
  // anyType fields are typed string in the schema but can carry numbers or booleans; json fields, objects.
  const isAnyType = fields.map((f) => f.type === 'anyType' || f.type === 'json');
  const special = names.map((_, i) => isDateTime[i] || isAnyType[i]);
  return (raw) => {
    // Own members only, as JSON.parse makes them; `"attributes":null` is left out too, as the slicer does.
    if (Object.hasOwn(raw, 'attributes')) raw.attributes = undefined;
    for (let i = 0; i < names.length; i++) {
      const value = raw[names[i]];
      if (value === undefined) raw[names[i]] = null;
      else if (!special[i] || value === null) continue;
      else if (isDateTime[i] && typeof value === 'string') raw[names[i]] = normalizeDateTime(value);
      else if (isAnyType[i] && typeof value !== 'string') raw[names[i]] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    return raw;
  };
}
