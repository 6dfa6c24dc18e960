/**
 * Bulk API 2.0 result pages as CSV: a header row on every page, every value quoted (inner quotes
 * doubled), nulls as empty unquoted fields, datetimes as `…000Z`.
 */
import type { SRecord } from './field-catalog.js';
import type { Column } from './record-serializer.js';

export const DELIMITERS: Record<string, string> = {
  BACKQUOTE: '`', CARET: '^', COMMA: ',', PIPE: '|', SEMICOLON: ';', TAB: '\t',
};
export const LINE_ENDINGS: Record<string, string> = { LF: '\n', CRLF: '\r\n' };

function cell(value: unknown, datetime: boolean): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (datetime) text = text.replace(/\+0000$/, 'Z');
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvPage(columns: Column[], rows: readonly SRecord[], from: number, to: number, delimiter: string, eol: string): string {
  const names = columns.map((c) => c.spec.name);
  const isDateTime = columns.map((c) => c.spec.type === 'datetime');
  const lines = new Array<string>(to - from + 1);
  lines[0] = names.map((n) => `"${n}"`).join(delimiter);
  for (let i = from; i < to; i++) {
    const row = rows[i];
    let line = '';
    for (let c = 0; c < names.length; c++) line += (c ? delimiter : '') + cell(row[names[c]], isDateTime[c]);
    lines[i - from + 1] = line;
  }
  return lines.join(eol) + eol;
}
