/**
 * Bulk API 2.0 result pages as CSV: a header row on every page, every value quoted (inner quotes
 * doubled), nulls as empty unquoted fields, datetimes as `…000Z`. A page is streamed, rendered a
 * few hundred rows at a time: Salesforce serves stored result files, so its first byte comes at
 * once, where rendering and gzipping 100,000 rows before sending took seconds.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import type { SRecord } from './field-catalog.js';
import { wantsGzip } from './http-util.js';
import type { Column } from './record-serializer.js';
import { applyEdits, type TextEdit } from './misbehaviour.js';

export const DELIMITERS: Record<string, string> = {
  BACKQUOTE: '`',
  CARET: '^',
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  TAB: '\t',
};
export const LINE_ENDINGS: Record<string, string> = { LF: '\n', CRLF: '\r\n' };

/** Rows per written chunk: large enough that zlib and the socket see few writes, small enough to start at once. */
const CHUNK_ROWS = 250;

export interface CsvBody {
  /** The page piece by piece (header first), each piece rendered only when it is asked for. */
  chunks(): Generator<string | Buffer>;
  /** The whole page at once, for faults that cut a known answer short. */
  text(): string;
}

function rowRenderer(columns: Column[], delimiter: string): (row: SRecord) => string {
  const names = columns.map((c) => c.spec.name);
  const isDateTime = columns.map((c) => c.spec.type === 'datetime');
  return (row) => {
    let line = '';
    for (let c = 0; c < names.length; c++) {
      if (c) line += delimiter;
      const value = row[names[c]];
      if (value === null || value === undefined) continue;
      let text = typeof value === 'string' ? value : String(value);
      if (isDateTime[c] && text.endsWith('+0000')) text = `${text.slice(0, -5)}Z`;
      // Most values hold no quote: skip the regex for them.
      line += `"${text.includes('"') ? text.replace(/"/g, '""') : text}"`;
    }
    return line;
  };
}

/** Pieces a huge cell is written in, so it is never held in memory whole. */
const FILLER = 'a'.repeat(64 * 1024);

function* filler(bytes: number): Generator<string> {
  for (let left = bytes; left > 0; left -= FILLER.length) yield left >= FILLER.length ? FILLER : FILLER.slice(0, left);
}

/**
 * Rows `from` (inclusive) to `to` (exclusive) of `rows`, as one result page. `hugeFirstCell` > 0
 * makes the first data row's first cell that many bytes of filler (a misbehaving server; a page
 * with no row gets one, its other cells null).
 */
export function csvBody(columns: Column[], rows: readonly SRecord[], from: number, to: number, delimiter: string, eol: string, hugeFirstCell = 0): CsvBody {
  const header = columns.map((c) => `"${c.spec.name}"`).join(delimiter) + eol;
  const render = rowRenderer(columns, delimiter);
  const renderRest = rowRenderer(columns.slice(1), delimiter);
  function* hugeRow(): Generator<string> {
    yield '"';
    yield* filler(hugeFirstCell);
    const rest = columns.length < 2 ? '' : delimiter + (from < to ? renderRest(rows[from]) : delimiter.repeat(columns.length - 2));
    yield `"${rest}${eol}`;
  }
  function* chunks(): Generator<string> {
    yield header;
    let first = from;
    if (hugeFirstCell > 0) {
      yield* hugeRow();
      first = Math.min(to, from + 1);
    }
    for (let start = first; start < to; start += CHUNK_ROWS) {
      let chunk = '';
      for (let i = start, end = Math.min(to, start + CHUNK_ROWS); i < end; i++) chunk += render(rows[i]) + eol;
      yield chunk;
    }
  }
  return { chunks, text: () => [...chunks()].join('') };
}

/**
 * The page edited as latin1 text (an edit can write any byte), sent in pieces of `pieceBytes`.
 * `text()` reads it as UTF-8: it serves faults, which never strike an altered answer.
 */
export function rewrittenCsv(body: CsvBody, edits: readonly TextEdit[], pieceBytes = 16 * 1024): CsvBody {
  const bytes = Buffer.from(applyEdits(Buffer.from(body.text(), 'utf8').toString('latin1'), edits), 'latin1');
  function* chunks(): Generator<Buffer> {
    for (let at = 0; at < bytes.length; at += pieceBytes) yield bytes.subarray(at, at + pieceBytes);
  }
  return { chunks, text: () => bytes.toString('utf8') };
}

/**
 * The chunks one event-loop turn apart. Rendered into a loopback socket, whose kernel buffers take
 * megabytes before pushing back, a page would otherwise hold the loop until they fill: every other
 * answer (a new request's first byte, the link's pacing) waited behind it, which Salesforce, serving
 * each connection on its own, never does.
 */
async function* turnByTurn<T>(chunks: Iterable<T>): AsyncGenerator<T> {
  for (const chunk of chunks) {
    yield chunk;
    await nextTurn();
  }
}

/**
 * Streams a page with backpressure, through gzip (level 1, as for JSON answers) when the client
 * accepts it. No Content-Length: like Salesforce's, the answer is chunked, so its length need not
 * be known before the first byte. A client that hangs up makes the pipeline reject.
 */
export async function sendCsv(req: IncomingMessage, res: ServerResponse, body: CsvBody, headers: Record<string, string>): Promise<void> {
  const out: Record<string, string> = { 'Content-Type': 'text/csv; charset=UTF-8', ...headers };
  const gzip = wantsGzip(req);
  if (gzip) {
    out['Content-Encoding'] = 'gzip';
    out.Vary = 'Accept-Encoding';
  }
  res.writeHead(200, out);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const source = Readable.from(turnByTurn(body.chunks()), { objectMode: false });
  if (gzip) await pipeline(source, createGzip({ level: 1 }), res);
  else await pipeline(source, res);
}
