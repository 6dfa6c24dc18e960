/**
 * Reads the rows of a CSV page in place: each cell is where it starts and ends in the page's bytes,
 * whether it was quoted, and whether it holds what JSON must escape (a doubled quote, a backslash,
 * a control character). RFC 4180 as Salesforce writes it: comma, LF or CRLF, fields quoted or bare.
 * csv-slicer.ts builds the records from the cells.
 */
import { BACKSLASH, COMMA, QUOTE, SPACE, isDigit } from '../streams/bytes.js';

const LF = 0x0a;
const CR = 0x0d;

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
        break;
      }
      if (c === CR) {
        if (i + 1 >= b.length && !final) return -1;
        i += b[i + 1] === LF ? 2 : 1;
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

  /**
   * Whether the cell is a number as JSON.stringify writes it, so it can be copied as it is:
   * -?(0|[1-9]\d*)(\.\d*[1-9])?, at most 15 digits (exact in a double), not -0, and no fraction
   * that JavaScript would write with an exponent (six zeros or more after `0.`).
   */
  protected isPlainNumber(b: Buffer, column: number): boolean {
    const end = this.ends[column];
    let i = this.starts[column];
    if (b[i] === 0x2d) i++;
    const first = i;
    if (b[i] === 0x30) i++;
    else while (i < end && isDigit(b[i])) i++;
    if (i === first) return false;
    const zero = b[first] === 0x30;
    let digits = i - first;
    if (i === end) return !(zero && first > this.starts[column]) && digits <= 15;
    if (b[i] !== 0x2e) return false;
    const fraction = ++i;
    while (i < end && isDigit(b[i])) i++;
    if (i !== end || i === fraction || b[end - 1] === 0x30) return false;
    if (zero) {
      let zeros = 0;
      while (b[fraction + zeros] === 0x30) zeros++;
      if (zeros >= 6) return false;
    }
    digits += end - fraction;
    return digits <= 15;
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
