/**
 * Turns one REST record into the RECORD payload: only the selected fields, in schema order, with
 * Salesforce's `+0000` datetimes rewritten as ISO-8601 `Z` so they satisfy format: date-time.
 * Built once per stream so the per-record work is a single pass over the fields.
 */
import type { DescribeField } from '../salesforce/types.js';

const SF_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

export function normalizeDateTime(value: string): string {
  if (SF_UTC.test(value)) return `${value.slice(0, 23)}Z`;
  // Other offsets: make `+hhmm` into `+hh:mm`, which Date.parse reads everywhere.
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

export type RecordShaper = (raw: Record<string, unknown>) => Record<string, unknown>;

export function createRecordShaper(fields: readonly DescribeField[]): RecordShaper {
  const names = fields.map((f) => f.name);
  const isDateTime = fields.map((f) => f.type === 'datetime');
  // anyType fields are typed string in the schema but can carry numbers or booleans.
  const isAnyType = fields.map((f) => f.type === 'anyType');
  return (raw) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      let value = raw[name];
      if (value === undefined) value = null;
      else if (isDateTime[i] && typeof value === 'string') value = normalizeDateTime(value);
      else if (isAnyType[i] && value !== null && typeof value !== 'string') value = typeof value === 'object' ? JSON.stringify(value) : String(value);
      out[name] = value;
    }
    return out;
  };
}
