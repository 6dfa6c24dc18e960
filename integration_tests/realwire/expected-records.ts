/**
 * What the connector documents a RECORD to be, written out independently of its code: the record
 * as Salesforce sent it, without `attributes`, its `+0000` datetimes in `Z` form, a selected field
 * the answer left out as null, and everything else (relationship objects, nulls, numbers, text with
 * newlines, emails that are no addresses) untouched.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded records

export function documentedRecord(recorded: Json, datetimes: ReadonlySet<string>, selected: readonly string[] = []): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(recorded)) {
    if (key === 'attributes') continue;
    out[key] = datetimes.has(key) && typeof value === 'string' ? value.replace(/\+0000$/, 'Z') : value;
  }
  for (const name of selected) if (!(name in out)) out[name] = null;
  return out;
}

/** The recorded records whose delivered one (found by Id) is not, as JSON text, the documented one. */
export function notAsDocumented(recorded: readonly Json[], deliveredById: ReadonlyMap<unknown, Json>, datetimes: ReadonlySet<string>): Json[] {
  return recorded.filter((record) => JSON.stringify(deliveredById.get(record.Id)) !== JSON.stringify(documentedRecord(record, datetimes)));
}

/**
 * JSON with keys sorted (and, as JSON.stringify does, undefined members left out): equal for equal
 * values whatever their key order and whichever realm built them.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Json)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
