/**
 * SOQL text for each kind of read. Literals are produced here only, from values we validated, so no
 * caller ever splices raw input into a query.
 */
import { CURSOR_FIELD, PRIMARY_KEY } from './objects.js';

/** SOQL datetime literals are unquoted ISO-8601 in UTC. */
export function soqlDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not a date-time: ${iso}`);
  return new Date(ms).toISOString();
}

function selectFrom(object: string, fields: readonly string[]): string {
  return `SELECT ${fields.join(',')} FROM ${object}`;
}

/** Everything changed at or after `from` (all history without it), oldest change first. */
export function incrementalQuery(object: string, fields: readonly string[], from?: string): string {
  const where = from ? ` WHERE ${CURSOR_FIELD} >= ${soqlDateTime(from)}` : '';
  return `${selectFrom(object, fields)}${where} ORDER BY ${CURSOR_FIELD} ASC`;
}

/** Every live record (soft-deleted ones are gone from a full copy), bounded by start_date when set. */
export function fullRefreshQuery(object: string, fields: readonly string[], startDate?: string): string {
  const where = startDate ? ` WHERE ${CURSOR_FIELD} >= ${soqlDateTime(startDate)}` : '';
  return `${selectFrom(object, fields)}${where}`;
}

/** The cheapest query that proves the object is readable. */
export function probeQuery(object: string): string {
  return `SELECT ${PRIMARY_KEY} FROM ${object} LIMIT 1`;
}
