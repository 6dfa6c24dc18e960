/**
 * A strict JSON scanner over bytes: it skips values without building them and throws Unsliceable at
 * anything JSON.parse would refuse (a cut-off text, a raw control character in a string, a bad
 * escape, number or literal), so what it lets through can be copied as it is. record-slicer.ts
 * builds on it.
 *
 * Numbers are the one token JSON.stringify writes differently from how they may come: `100.0`,
 * `1E2`, `-0`, `1e400` (Infinity, written null). The scanner notes where each such number is
 * (`odd`), so a copy can write it the way JSON.parse then JSON.stringify would.
 */
import { BACKSLASH, COMMA, QUOTE, SPACE, isCanonicalNumber, isDigit } from './bytes.js';

export const COLON = 0x3a;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Arrays and objects inside each other, the page's own object included, deeper than any Salesforce
 * page goes: JSON.parse reads more, but JSON.stringify, which writes every record that is not
 * sliced, overflows the call stack a few thousand levels down. A page nested deeper is refused.
 */
export const MAX_NESTING = 512;

/** The bytes break JSON's grammar, or use it in a way the scanner does not take (the caller parses them instead). */
export class Unsliceable extends Error {}

/** How deep arrays and objects nest in JSON text that JSON.parse accepted (brackets inside strings not counted). */
export function nesting(b: Buffer): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) {
      for (i++; b[i] !== QUOTE; i++) if (b[i] === BACKSLASH) i++;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) deepest = Math.max(deepest, ++depth);
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

export class JsonScanner {
  protected pos = 0;
  /** arrays and objects open around the value `skipValue` is given (the caller keeps it up to date) */
  protected around = 0;
  /**
   * Every number not written as JSON.stringify writes it, in the order met, as three entries: its
   * start, its end, and where a copy of it may stop to be written right (`100.0` as `100`), or -1
   * when its value must be written instead (`1E2`, `-0`, `1e400`).
   */
  protected readonly odd: number[] = [];
  /** the close byte of each array or object open around `skipNested`'s position */
  private closers = new Uint8Array(64);

  constructor(protected readonly b: Buffer) {}

  /** line ends met as whitespace so far: a span copied across one would break the output line */
  protected breaks = 0;

  /** JSON's whitespace: space, tab, LF, CR. */
  protected space(): void {
    const b = this.b;
    let c = b[this.pos];
    while (c === SPACE || c === LF || c === CR || c === TAB) {
      if (c === LF || c === CR) this.breaks++;
      c = b[++this.pos];
    }
  }

  protected expect(c: number): void {
    this.space();
    if (this.b[this.pos] !== c) throw new Unsliceable();
    this.pos++;
  }

  /** After a member or element: true at the closing `close`, false after a comma. */
  protected next(close: number): boolean {
    this.space();
    const c = this.b[this.pos++];
    if (c === close) return true;
    if (c === COMMA) return false;
    throw new Unsliceable();
  }

  protected skipString(start: number): number {
    const b = this.b;
    if (b[start] !== QUOTE) throw new Unsliceable();
    for (let i = start + 1; i < b.length; i++) {
      const c = b[i];
      if (c === QUOTE) return i + 1;
      if (c < SPACE) throw new Unsliceable();
      if (c === BACKSLASH) i = this.skipEscape(i);
    }
    throw new Unsliceable();
  }

  /** The last byte of the escape starting at `i`. */
  protected skipEscape(i: number): number {
    const c = this.b[i + 1];
    if (c === 0x75) {
      for (let j = i + 2; j < i + 6; j++) if (!isHex(this.b[j])) throw new Unsliceable();
      return i + 5;
    }
    // " \ / b f n r t
    if (c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) return i + 1;
    throw new Unsliceable();
  }

  protected skipValue(start: number): number {
    const b = this.b;
    const c = b[start];
    if (c === QUOTE) return this.skipString(start);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) return this.skipNested(start);
    if (c === 0x74) return this.skipLiteral(start, 'true');
    if (c === 0x66) return this.skipLiteral(start, 'false');
    if (c === 0x6e) return this.skipLiteral(start, 'null');
    return this.skipNumber(start);
  }

  /**
   * An array or object, however deep: a loop over a stack of close bytes, not recursion, so nesting
   * that JSON.parse reads cannot overflow the call stack here.
   */
  protected skipNested(start: number): number {
    const b = this.b;
    const saved = this.pos;
    let depth = 0;
    let i = start;
    for (;;) {
      // at the start of a value, inside `depth` open arrays and objects
      const c = b[i];
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (depth === this.closers.length) {
          const more = new Uint8Array(depth * 2);
          more.set(this.closers);
          this.closers = more;
        }
        // Too deep to write: the ordinary way refuses the page.
        if (this.around + depth >= MAX_NESTING) throw new Unsliceable();
        const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
        this.closers[depth++] = close;
        this.pos = i + 1;
        this.space();
        if (b[this.pos] === close) {
          this.pos++;
          depth--;
        } else {
          if (close === CLOSE_OBJECT) this.member();
          i = this.pos;
          continue;
        }
      } else this.pos = this.skipValue(i);
      // after a value: close what it ends, until a comma leads to the next value
      for (;;) {
        if (depth === 0) {
          const end = this.pos;
          this.pos = saved;
          return end;
        }
        const close = this.closers[depth - 1];
        if (this.next(close)) {
          depth--;
          continue;
        }
        this.space();
        if (close === CLOSE_OBJECT) this.member();
        break;
      }
      i = this.pos;
    }
  }

  /** A member's name and colon; leaves `pos` at its value. */
  private member(): void {
    this.space();
    this.pos = this.skipString(this.pos);
    this.expect(COLON);
    this.space();
  }

  protected skipLiteral(start: number, literal: string): number {
    for (let i = 0; i < literal.length; i++) if (this.b[start + i] !== literal.charCodeAt(i)) throw new Unsliceable();
    return start + literal.length;
  }

  /** -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  protected skipNumber(start: number): number {
    const b = this.b;
    let i = start;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (isDigit(b[i])) while (isDigit(b[i])) i++;
    else throw new Unsliceable();
    const point = b[i] === 0x2e ? i : -1;
    if (point >= 0) {
      if (!isDigit(b[++i])) throw new Unsliceable();
      while (isDigit(b[i])) i++;
    }
    const fractionEnd = i;
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) throw new Unsliceable();
      while (isDigit(b[i])) i++;
    }
    if (!isCanonicalNumber(b, start, i)) this.odd.push(start, i, fractionEnd === i && point >= 0 ? trimmedEnd(b, start, point, i) : -1);
    return i;
  }
}

/** Where `100.0`, `1.50` (a fraction without exponent) ends with its trailing zeros left out, if it is then as JSON.stringify writes it; else -1. */
function trimmedEnd(b: Buffer, start: number, point: number, end: number): number {
  let trimmed = end;
  while (trimmed > point + 1 && b[trimmed - 1] === 0x30) trimmed--;
  if (trimmed === point + 1) trimmed = point;
  return isCanonicalNumber(b, start, trimmed) ? trimmed : -1;
}

const isHex = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
