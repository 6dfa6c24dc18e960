/**
 * SOQL text for each kind of read. Literals are produced here only, from values we validated, so no
 * caller ever splices raw input into a query.
 */
import { PRIMARY_KEY, type StreamKeys } from './objects.js';

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

/** A slice of a stream: cursor in [from, to), strictly after the `after` record. */
export interface QueryBounds {
  from?: string;
  to?: string;
  /** the last record already written in this run: resume exactly after it (no stamp: a stream without cursor) */
  after?: { stamp?: string; id: string };
}

/**
 * One stream read. The total order (cursor, then Id) lets a run resume exactly after the last record
 * it wrote when Salesforce drops a cursor or a window has to be split, with no record skipped or
 * repeated even inside a tie group. A stream without cursor is ordered by Id alone; one without Id
 * (full refresh only) in no order at all. `ordered: false` leaves ORDER BY out (Bulk jobs: it turns
 * off Salesforce's PK chunking, the classic cause of failed jobs on huge objects); such a window is
 * then one unit whose state moves only once it is whole.
 */
export function streamQuery(object: string, fields: readonly string[], bounds: QueryBounds, keys: StreamKeys, ordered = true): string {
  const { cursor, primaryKey } = keys;
  const order = ordered ? [cursor, primaryKey].filter((k): k is string => k !== undefined).map((k) => `${k} ASC`) : [];
  return `SELECT ${fields.join(',')} FROM ${object}${whereClause(bounds, keys)}${order.length ? ` ORDER BY ${order.join(',')}` : ''}`;
}

/** How many records a window holds (REST answers totalSize): what dividing a window between connections weighs. */
export function countQuery(object: string, bounds: QueryBounds, keys: StreamKeys): string {
  return `SELECT COUNT() FROM ${object}${whereClause(bounds, keys)}`;
}

function whereClause(bounds: QueryBounds, keys: StreamKeys): string {
  const { cursor, primaryKey } = keys;
  const conditions: string[] = [];
  if (cursor && bounds.from) conditions.push(`${cursor} >= ${soqlDateTime(bounds.from)}`);
  if (cursor && bounds.to) conditions.push(`${cursor} < ${soqlDateTime(bounds.to)}`);
  if (bounds.after && primaryKey) {
    const id = soqlId(bounds.after.id);
    if (cursor && bounds.after.stamp) {
      const stamp = soqlDateTime(bounds.after.stamp);
      conditions.push(`(${cursor} > ${stamp} OR (${cursor} = ${stamp} AND ${primaryKey} > ${id}))`);
    } else if (!cursor) conditions.push(`${primaryKey} > ${id}`);
  }
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/** The oldest change of an object: where splitting an unbounded window should start. */
export function earliestChangeQuery(object: string, cursor: string): string {
  return `SELECT ${cursor} FROM ${object} ORDER BY ${cursor} ASC LIMIT 1`;
}

/** The cheapest query that proves the object is readable. */
export function probeQuery(object: string, keys: StreamKeys = { primaryKey: PRIMARY_KEY }): string {
  return `SELECT ${keys.primaryKey ?? 'COUNT()'} FROM ${object}${keys.primaryKey ? ' LIMIT 1' : ''}`;
}
