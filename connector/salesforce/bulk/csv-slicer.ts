/**
 * Turns one Bulk API CSV result page, as its bytes arrive, into RECORD data written straight as JSON
 * bytes, identical to what the REST path yields: typed numbers and booleans, datetimes normalized,
 * compound fields rebuilt, empty cells null. No cell becomes a string unless its type needs reading
 * (numbers, odd datetimes) or it is the Id or the cursor: a text cell is copied, escaped for JSON only
 * when it holds a quote, a backslash or a control character. Building a string per cell and an
 * object per row, then serialising it, was most of a Bulk read's CPU and garbage.
 *
 * The CSV is RFC 4180 as Salesforce writes it (comma, one line ending per page, fields quoted or
 * bare); a page that breaks it (a quote inside a bare field, an open quote at its end, a row of the
 * wrong width, a second kind of line ending) fails with a CsvError, as a mangled body. Bytes that
 * are not valid UTF-8 are replaced, as a decoder would. What it writes is what csv-parse and the
 * typing it replaced made of the page (integration_tests/differential/csv-differential.ts holds it to that).
 *
 * Time stays linear in the page whatever the pieces it arrives in: a row still unfinished is read
 * again only once the bytes held have doubled, so a row longer than a batch is not rescanned per piece.
 */
import { isUtf8 } from 'node:buffer';
import { EncodedRecord } from '../../runtime/encoded-record.js';
import type { DescribeField } from '../api/types.js';
import { ByteOutput } from '../streams/byte-output.js';
import { BACKSLASH, QUOTE, SPACE, matches, pattern } from '../streams/bytes.js';
import { CsvError, CsvRows } from './csv-rows.js';
import { BufferPool } from '../api/buffer-pool.js';
import { normalizeDateTime } from '../streams/record-shaper.js';
import type { SlicedRecord } from '../streams/record-slicer.js';
import type { CompoundField } from './bulk-fields.js';

export interface CsvRecordPlan {
  describe: readonly DescribeField[];
  compounds: readonly CompoundField[];
  /** the selected field names, in the order REST returns them */
  output: readonly string[];
  primaryKey?: string;
  cursor?: string;
  /** a row longer than this fails the page (AnswerTooLargeError by the caller) */
  maxRowBytes: number;
  /** where buffers come from (the records' go back to it once written: RecordBatch.buffers) */
  pool?: BufferPool;
  /** bytes gathered before they are read (BATCH_BYTES); tests make it small to put batch edges everywhere */
  batchBytes?: number;
}

/** Records, and the buffers they are in: give those back to the pool once the records are written. */
export interface RecordBatch {
  records: SlicedRecord[];
  buffers: Buffer[];
}

const TEXT = 0;
const NUMBER = 1;
const BOOLEAN = 2;
const DATETIME = 3;

const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
/** `yyyy-MM-ddTHH:mm:ss.SSSZ`, Bulk's form of a UTC datetime: `d` is any digit */
const BULK_UTC = pattern('dddd-dd-ddTdd:dd:dd.dddZ');
/** What JSON.stringify writes for each byte a JSON string cannot hold as it is (controls, quote, backslash). */
const ESCAPES: Buffer[] = Array.from({ length: BACKSLASH + 1 }, (_, c) =>
  Buffer.from(c < SPACE || c === QUOTE || c === BACKSLASH ? JSON.stringify(String.fromCharCode(c)).slice(1, -1) : ''),
);
/** Bytes parsed at once: fewer passes over a row that arrives in pieces, and over the header of each batch. */
export const BATCH_BYTES = 256 * 1024;

function kindOf(type: string | undefined): number {
  switch (type) {
    case 'int':
    case 'long':
    case 'double':
    case 'currency':
    case 'percent':
      return NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'datetime':
      return DATETIME;
    default:
      return TEXT;
  }
}

/** One value of the record: a column read with a kind, or a compound rebuilt from columns. */
interface Member {
  /** `"Name":`, with a comma before it except for the first */
  key: Buffer;
  column: number;
  kind: number;
  parts?: Member[];
}

export class CsvPageSlicer extends CsvRows {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** bytes held that make the next batch: twice the unfinished row held back, so each byte is read a bounded number of times */
  private due: number;
  /** bytes gathered and read over every batch, rows read again included: under three times the page's bytes (a geometric sum, then the last batch) */
  scanned = 0;
  private members?: Member[];
  private idColumn = -1;
  private cursorColumn = -1;
  private first = true;
  /** data rows read, the header not counted */
  rows = 0;
  /** JSON bytes written per CSV byte read so far: the output buffer of the next batch is sized by it */
  private growth = 2;

  private readonly batchBytes: number;

  constructor(private readonly plan: CsvRecordPlan) {
    super();
    this.batchBytes = plan.batchBytes ?? BATCH_BYTES;
    this.due = this.batchBytes;
  }

  /** The record properties that name a row (its primary key and cursor value): what a page fetched again is checked by (row-trail.ts). */
  get identity(): string[] {
    return [this.plan.primaryKey, this.plan.cursor].filter((key) => key !== undefined);
  }

  /** Records of the rows that `chunk` completes (rows arriving in pieces wait for their end). */
  push(chunk: Buffer): RecordBatch {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // The first batch holds at least the three bytes a BOM would take.
    const due = this.pendingBytes >= this.due && (!this.first || this.pendingBytes >= 3);
    return due ? this.parse(false) : { records: [], buffers: [] };
  }

  /** The page is complete: its last row may lack a line end; an open quote means it was cut off. */
  end(): RecordBatch {
    return this.parse(true);
  }

  private parse(final: boolean): RecordBatch {
    const pool = this.plan.pool ?? new BufferPool();
    const gathered = pool.gather(this.pending);
    try {
      return this.parseBytes(gathered, final, pool);
    } finally {
      pool.give(gathered);
    }
  }

  private parseBytes(gathered: Buffer, final: boolean, pool: BufferPool): RecordBatch {
    let data = gathered;
    this.pending = [];
    this.pendingBytes = 0;
    this.due = this.batchBytes;
    this.scanned += data.length;
    let pos = 0;
    if (this.first) {
      this.first = false;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
    }
    // A byte under 0x80 is a character of its own, never part of another: the bytes up to the last
    // one are checked as a whole, and every row this batch completes ends there or before.
    const complete = final ? data.length : lastAscii(data) + 1;
    if (complete > pos && !isUtf8(data.subarray(pos, complete))) {
      data = Buffer.concat([Buffer.from(data.toString('utf8', pos, complete)), data.subarray(complete)]);
      pos = 0;
    }
    const records: SlicedRecord[] = [];
    const out = new ByteOutput(Math.ceil(data.length * this.growth * 1.1) + 1024, (size) => pool.take(size));
    const start = pos;
    while (pos < data.length) {
      const end = this.row(data, pos, final);
      if (end < 0) break;
      if (end - pos > this.plan.maxRowBytes) throw this.tooLong();
      if (!this.members) this.header(data);
      else records.push(this.record(data, out));
      pos = end;
    }
    if (pos > start && out.at > 0) this.growth = out.at / (pos - start);
    if (pos < data.length) {
      if (data.length - pos > this.plan.maxRowBytes) throw this.tooLong();
      if (final) throw new CsvError('CSV_QUOTE_NOT_CLOSED', 'the page ends inside a quoted field');
      const rest = Buffer.from(data.subarray(pos));
      this.pending = [rest];
      this.pendingBytes = rest.length;
      // Past the row limit the next batch fails the page, so it need not wait for more than that.
      this.due = Math.max(this.batchBytes, Math.min(2 * rest.length, this.plan.maxRowBytes + 1));
    }
    return { records, buffers: out.used };
  }

  private tooLong(): CsvError {
    return new CsvError('CSV_MAX_RECORD_SIZE', `a row longer than ${this.plan.maxRowBytes} bytes`);
  }

  /** The header row: where each selected field is, and how it is written. */
  private header(b: Buffer): void {
    const names = Array.from({ length: this.width }, (_, i) => this.text(b, i));
    const exact = new Map(names.map((name, i) => [name, i]));
    const folded = new Map(names.map((name, i) => [name.toLowerCase(), i]));
    const column = (name: string) => exact.get(name) ?? folded.get(name.toLowerCase()) ?? -1;
    const types = new Map(this.plan.describe.map((f) => [f.name, f.type]));
    const compounds = new Map(this.plan.compounds.map((c) => [c.name, c]));
    const key = (name: string, first: boolean) => Buffer.from(`${first ? '' : ','}${JSON.stringify(name)}:`);
    this.members = this.plan.output.map((name, i) => {
      const compound = compounds.get(name);
      if (!compound) return { key: key(name, i === 0), column: column(name), kind: kindOf(types.get(name)) };
      // Keys in alphabetical order, as the REST API sends them.
      const parts = [...compound.parts]
        .sort((a, b) => a[1].localeCompare(b[1]))
        .map(([field, partKey], j) => ({ key: key(partKey, j === 0), column: column(field), kind: kindOf(types.get(field)) }));
      return { key: key(name, i === 0), column: -1, kind: TEXT, parts };
    });
    this.idColumn = this.plan.primaryKey ? column(this.plan.primaryKey) : -1;
    this.cursorColumn = this.plan.cursor ? column(this.plan.cursor) : -1;
  }

  private record(b: Buffer, out: ByteOutput): SlicedRecord {
    const start = out.at;
    out.byte(0x7b);
    let cursor: string | null = null;
    for (const member of this.members!) {
      out.bytes(member.key);
      if (!member.parts) {
        const written = this.value(b, member.column, member.kind, out);
        if (member.column === this.cursorColumn && member.column >= 0) cursor = written;
        continue;
      }
      // REST sends a compound field whose components are all empty as null, not as an object of nulls.
      if (this.allEmpty(member.parts)) {
        out.bytes(NULL);
        continue;
      }
      out.byte(0x7b);
      for (const part of member.parts) {
        out.bytes(part.key);
        this.value(b, part.column, part.kind, out);
      }
      out.byte(0x7d);
    }
    out.byte(0x7d);
    const record = new EncodedRecord(out.buffer, start, out.at) as SlicedRecord;
    this.rows++;
    if (this.plan.primaryKey) record[this.plan.primaryKey] = this.idColumn >= 0 && !this.isEmpty(this.idColumn) ? this.text(b, this.idColumn) : null;
    if (this.plan.cursor) record[this.plan.cursor] = cursor;
    return record;
  }

  /** Writes the cell as its kind says; returns the datetime written (for the cursor), if any. */
  private value(b: Buffer, column: number, kind: number, out: ByteOutput): string | null {
    if (column < 0 || this.isEmpty(column)) {
      out.bytes(NULL);
      return null;
    }
    if (kind === TEXT) {
      this.writeString(b, column, out);
      return null;
    }
    if (kind === DATETIME && !this.special[column] && matches(b, this.starts[column], this.ends[column], BULK_UTC)) {
      this.writeString(b, column, out);
      return b.toString('latin1', this.starts[column], this.ends[column]);
    }
    if (kind === BOOLEAN && this.isCell(b, column, TRUE)) out.bytes(TRUE);
    else if (kind === BOOLEAN && this.isCell(b, column, FALSE)) out.bytes(FALSE);
    else if (kind === NUMBER && this.isPlainNumber(b, column)) out.copy(b, this.starts[column], this.ends[column]);
    else return this.writeRead(b, column, kind, out);
    return null;
  }

  /** The cells whose type needs their text read: numbers in another form, odd datetimes, anything not of its type. */
  private writeRead(b: Buffer, column: number, kind: number, out: ByteOutput): string | null {
    const raw = this.text(b, column);
    if (kind === NUMBER && Number.isFinite(Number(raw))) out.text(JSON.stringify(Number(raw)));
    else if (kind === DATETIME) {
      const normalized = normalizeDateTime(raw);
      out.text(JSON.stringify(normalized));
      return normalized;
    } else out.text(JSON.stringify(raw));
    return null;
  }

  /** The cell as a JSON string: copied with its quotes when it needs no escaping, else copied run by run between escapes. */
  private writeString(b: Buffer, column: number, out: ByteOutput): void {
    const start = this.starts[column];
    const end = this.ends[column];
    if (!this.special[column]) {
      if (this.quoted[column]) out.copy(b, start - 1, end + 1);
      else {
        out.byte(QUOTE);
        out.copy(b, start, end);
        out.byte(QUOTE);
      }
      return;
    }
    out.byte(QUOTE);
    let from = start;
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c >= SPACE && c !== QUOTE && c !== BACKSLASH) continue;
      out.copy(b, from, i);
      out.bytes(ESCAPES[c]);
      // A quote inside a quoted cell is doubled: one goes out.
      if (c === QUOTE) i++;
      from = i + 1;
    }
    out.copy(b, from, end);
    out.byte(QUOTE);
  }

  private allEmpty(parts: readonly Member[]): boolean {
    for (const part of parts) if (part.column >= 0 && !this.isEmpty(part.column)) return false;
    return true;
  }
}

/** Where the last byte under 0x80 is (-1 for none). */
function lastAscii(b: Buffer): number {
  let i = b.length - 1;
  while (i >= 0 && b[i] >= 0x80) i--;
  return i;
}
