/**
 * Reads the rows of a CSV page in place: each cell is where it starts and ends in the page's bytes,
 * whether it was quoted, and whether it holds what JSON must escape (a doubled quote, a backslash,
 * a control character). RFC 4180 as Salesforce writes it: comma, fields quoted or bare, and one
 * line ending per page, the one its first row ends with (LF, as the job asks for; CRLF or CR read
 * too, as csv-parse reads them). A row ending otherwise is a body damaged on the way: csv-parse would
 * read that line end as part of a cell, or a row as two, so the page is refused instead and fetched
 * again. csv-slicer.ts builds the records from the cells.
 */
import { BACKSLASH, COMMA, QUOTE, SPACE, isCanonicalNumber } from '../streams/bytes.js';

const LF = 0x0a;
const CR = 0x0d;
/** line endings: the page's first row's decides */
const ENDS_LF = 1;
const ENDS_CRLF = 2;
const ENDS_CR = 3;
const ENDING_NAMES = ['', 'LF', 'CRLF', 'CR'];

/** The page breaks CSV's rules; `code` says how (the caller treats it as a body mangled in transit). */
export class CsvError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

export class CsvRows {
  // The cells of the row being read: where each starts and ends, and whether it needs escaping.
  protected starts = new Int32Array(64);
  protected ends = new Int32Array(64);
  protected quoted = new Uint8Array(64);
  protected special = new Uint8Array(64);
  /** cells of the header row, once read: every later row must have as many */
  protected width = -1;
  /** the page's line ending (ENDS_*), once its first row is read */
  private ending = 0;

  /**
   * Reads the row starting at `pos` into the cell arrays; returns where the next row starts, or -1
   * when the row is not complete yet.
   */
  protected row(b: Buffer, pos: number, final: boolean): number {
    let i = pos;
    let cell = 0;
    for (;;) {
      if (cell === this.starts.length) this.grow();
      let special = 0;
      if (b[i] === QUOTE) {
        let j = i + 1;
        for (;;) {
          if (j >= b.length) return -1;
          const c = b[j];
          if (c === QUOTE) {
            if (j + 1 >= b.length && !final) return -1;
            if (b[j + 1] !== QUOTE) break;
            special = 1;
            j += 2;
            continue;
          }
          if (c < SPACE || c === BACKSLASH) special = 1;
          j++;
        }
        this.starts[cell] = i + 1;
        this.ends[cell] = j;
        this.quoted[cell] = 1;
        i = j + 1;
      } else {
        let j = i;
        for (; j < b.length; j++) {
          const c = b[j];
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) throw new CsvError('CSV_INVALID_CLOSING_QUOTE', 'a quote inside a field that does not start with one');
          if (c < SPACE || c === BACKSLASH) special = 1;
        }
        if (j >= b.length && !final) return -1;
        this.starts[cell] = i;
        this.ends[cell] = j;
        this.quoted[cell] = 0;
        i = j;
      }
      this.special[cell++] = special;
      if (i >= b.length) {
        if (!final) return -1;
        break;
      }
      const c = b[i];
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === LF) {
        i++;
        this.lineEnd(ENDS_LF);
        break;
      }
      if (c === CR) {
        if (i + 1 >= b.length && !final) return -1;
        const crlf = b[i + 1] === LF;
        i += crlf ? 2 : 1;
        this.lineEnd(crlf ? ENDS_CRLF : ENDS_CR);
        break;
      }
      throw new CsvError('CSV_INVALID_CLOSING_QUOTE', 'a character after the closing quote of a field');
    }
    if (this.width >= 0 && cell !== this.width) {
      throw new CsvError('CSV_RECORD_INCONSISTENT_FIELDS_LENGTH', `a row of ${cell} fields under a header of ${this.width}`);
    }
    if (this.width < 0) this.width = cell;
    return i;
  }

  private lineEnd(ending: number): void {
    if (this.ending === ending) return;
    if (this.ending !== 0) {
      throw new CsvError('CSV_INCONSISTENT_LINE_ENDINGS', `a row ending in ${ENDING_NAMES[ending]} in a page whose rows end in ${ENDING_NAMES[this.ending]}`);
    }
    this.ending = ending;
  }

  protected grow(): void {
    const size = this.starts.length * 2;
    const widen = <T extends Int32Array | Uint8Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.starts = widen(this.starts, new Int32Array(size));
    this.ends = widen(this.ends, new Int32Array(size));
    this.quoted = widen(this.quoted, new Uint8Array(size));
    this.special = widen(this.special, new Uint8Array(size));
  }

  protected isCell(b: Buffer, column: number, bytes: Buffer): boolean {
    const start = this.starts[column];
    if (this.ends[column] - start !== bytes.length) return false;
    for (let i = 0; i < bytes.length; i++) if (b[start + i] !== bytes[i]) return false;
    return true;
  }

  /** Whether the cell is a number as JSON.stringify writes it, so it can be copied as it is. */
  protected isPlainNumber(b: Buffer, column: number): boolean {
    return isCanonicalNumber(b, this.starts[column], this.ends[column]);
  }

  protected isEmpty(column: number): boolean {
    return this.ends[column] === this.starts[column];
  }

  /** The cell's text, quotes undoubled. */
  protected text(b: Buffer, column: number): string {
    const text = b.toString('utf8', this.starts[column], this.ends[column]);
    return this.special[column] && this.quoted[column] ? text.replaceAll('""', '"') : text;
  }
}
