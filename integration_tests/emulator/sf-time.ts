/**
 * Salesforce's time formats. Storage keeps datetimes as the exact wire string
 * (`2024-01-31T12:00:00.000+0000`): fixed width and always UTC, so string order is time order and
 * neither filtering nor paging has to convert anything.
 */

export const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const dayTexts = new Map<number, string>();

/** `YYYY-MM-DDT` for a day number, memoised: generation formats several dates per record. */
function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    if (dayTexts.size > 20_000) dayTexts.clear();
    text = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayTexts.set(day, text);
  }
  return text;
}

export function formatDateTime(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  return `${dayText(day)}${pad2(h)}:${pad2(m)}:${pad2(s)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}+0000`;
}

export function formatDate(ms: number): string {
  return dayText(Math.floor(ms / DAY_MS)).slice(0, 10);
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
