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

export function soqlId(id: string): string {
  if (!/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(id)) throw new Error(`not a Salesforce Id: ${id}`);
  return `'${id}'`;
}

/** A slice of a stream: SystemModstamp in [from, to), strictly after the `after` record. */
export interface QueryBounds {
  from?: string;
  to?: string;
  /** the last record already written in this run: resume exactly after it */
  after?: { stamp: string; id: string };
}

/**
 * One stream read. The total order (SystemModstamp, then Id) lets a run resume exactly after the
 * last record it wrote when Salesforce drops a cursor or a window has to be split, with no record
 * skipped or repeated even inside a tie group.
 */
export function streamQuery(object: string, fields: readonly string[], bounds: QueryBounds = {}): string {
  const conditions: string[] = [];
  if (bounds.from) conditions.push(`${CURSOR_FIELD} >= ${soqlDateTime(bounds.from)}`);
  if (bounds.to) conditions.push(`${CURSOR_FIELD} < ${soqlDateTime(bounds.to)}`);
  if (bounds.after) {
    const stamp = soqlDateTime(bounds.after.stamp);
    conditions.push(`(${CURSOR_FIELD} > ${stamp} OR (${CURSOR_FIELD} = ${stamp} AND ${PRIMARY_KEY} > ${soqlId(bounds.after.id)}))`);
  }
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${fields.join(',')} FROM ${object}${where} ORDER BY ${CURSOR_FIELD} ASC,${PRIMARY_KEY} ASC`;
}

/** The oldest change of an object: where splitting an unbounded window should start. */
export function earliestChangeQuery(object: string): string {
  return `SELECT ${CURSOR_FIELD} FROM ${object} ORDER BY ${CURSOR_FIELD} ASC LIMIT 1`;
}

/** The cheapest query that proves the object is readable. */
export function probeQuery(object: string): string {
  return `SELECT ${PRIMARY_KEY} FROM ${object} LIMIT 1`;
}
