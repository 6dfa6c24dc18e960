/**
 * Salesforce's time formats. Storage keeps datetimes as the exact wire string
 * (`2024-01-31T12:00:00.000+0000`): fixed width and always UTC, so string order is time order and
 * neither filtering nor paging has to convert anything.
 */

export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + '+0000';
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseStoredDateTime(value: string): number {
  return Date.parse(value.slice(0, 23) + 'Z');
}

const DATETIME_LITERAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A SOQL datetime literal in any form clients send (`Z`, `.000Z`, `+00:00`, `.000+00:00`, `+0000`)
 * as the storage string, or null when it is not one.
 */
export function normalizeDateTimeLiteral(literal: string): string | null {
  const m = DATETIME_LITERAL.exec(literal);
  if (!m) return null;
  const frac = (m[3] ?? '.000').padEnd(4, '0');
  let zone = m[4];
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${frac}${zone}`);
  return Number.isNaN(ms) ? null : formatDateTime(ms);
}

export function isDateLiteral(literal: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(literal) && !Number.isNaN(Date.parse(literal));
}

export const DAY_MS = 86_400_000;
