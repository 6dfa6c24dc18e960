/**
 * Reads a REST query page without building its records. Each record's JSON is copied out of the
 * page's bytes as it came, with only what the RECORD needs changed: `attributes` left out,
 * Salesforce's `+0000` datetimes written as `Z`, anyType values that are not text made text, and a
 * selected field the page left out written as null. Only the Id and the cursor are read as values.
 * Parsing every page into objects and serialising every record again was most of a read's CPU and
 * nearly all of its garbage; this does one pass over the bytes instead.
 *
 * The pass accepts only what JSON.parse would (strict strings, escapes, numbers and literals) and
 * only valid UTF-8, so no record it writes can break a line or carry bytes JSON forbids; numbers
 * JSON.stringify would write otherwise (`100.0`, `1e400`, `-0`) are written as it would. A page it
 * cannot read that way (bytes that are not UTF-8, a record naming a member twice) is parsed the
 * ordinary way; either way the records are what JSON.parse and the shaper make of them (the
 * differential suite, integration_tests/differential/rest-differential.ts, holds both to that).
 */
import { isUtf8 } from 'node:buffer';
import { EncodedRecord } from '../../runtime/encoded-record.js';
import type { DescribeField, PageDecoder, QueryPage } from '../api/types.js';
import { ByteOutput } from './byte-output.js';
import { BACKSLASH, COMMA, QUOTE, matches, pattern } from './bytes.js';
import { CLOSE_ARRAY, CLOSE_OBJECT, COLON, JsonScanner, MAX_NESTING, OPEN_ARRAY, OPEN_OBJECT, Unsliceable, nesting } from './json-scanner.js';
import { BufferPool } from '../api/buffer-pool.js';
import { createRecordShaper, normalizeDateTime } from './record-shaper.js';

export interface SlicePlan {
  /** the selected fields, in the order of the SELECT (the order Salesforce writes them in) */
  fields: readonly DescribeField[];
  primaryKey?: string;
  cursor?: string;
}

/** A record as the slicer hands it on: its bytes, plus its Id and cursor as values for the checkpoints. */
export type SlicedRecord = EncodedRecord & Record<string, unknown>;

const PLAIN = 0;
const DATETIME = 1;
/** anyType and json: typed string in the schema, sent as any JSON value */
const ANY = 2;
const ATTRIBUTES = -2;
const UNKNOWN = -1;

const Z = 0x5a;

/** `"yyyy-MM-ddTHH:mm:ss.SSS+0000"`, Salesforce's form of a UTC datetime: `d` is any digit */
const SF_UTC = pattern('"dddd-dd-ddTdd:dd:dd.ddd+0000"');
const ATTRIBUTES_KEY = Buffer.from('"attributes"');

/** `pool`: where the records' buffers come from, and go back to once the page is released (written). */
export function pageSlicer(plan: SlicePlan, pool: BufferPool = new BufferPool()): PageDecoder {
  const { fields } = plan;
  const names = fields.map((f) => f.name);
  const shape = createRecordShaper(fields);
  const keys = new Keys(
    names,
    fields.map((f) => (f.type === 'datetime' ? DATETIME : f.type === 'anyType' || f.type === 'json' ? ANY : PLAIN)),
    plan,
  );
  return (body) => {
    if (isUtf8(body)) {
      const slicer = new PageSlicer(body, keys, pool);
      try {
        return slicer.page();
      } catch (error) {
        slicer.release();
        if (!(error instanceof Unsliceable)) throw error;
      }
    }
    // The ordinary way: it accepts every valid JSON page, and says what is wrong with any other.
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (nesting(body) > MAX_NESTING) throw new Error(`arrays and objects nested more than ${MAX_NESTING} deep`);
    const page = queryPage(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {});
    if (Array.isArray(page.records)) {
      if (!page.records.every(isPlainObject)) throw new Error('a record that is not a JSON object');
      page.records = page.records.map(shape);
    }
    return page;
  };
}

/**
 * The members a query page is read for, as JSON.parse gives them: its own, never inherited ones
 * (`{"__proto__":{"records":…}}` has no records), and nothing else, so no member of the page can
 * stand in for what the decoder adds (`release`).
 */
function queryPage(members: object): QueryPage {
  const own = (key: string): unknown => (Object.hasOwn(members, key) ? (members as Record<string, unknown>)[key] : undefined);
  return { totalSize: own('totalSize'), done: own('done'), nextRecordsUrl: own('nextRecordsUrl'), records: own('records') } as QueryPage;
}

const isPlainObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

const PAGE_MEMBERS = new Set(['totalSize', 'done', 'nextRecordsUrl']);

/** The fields a record should carry, and how to find and treat each one. */
class Keys {
  readonly bytes: Buffer[];
  /** `,"Name":null` per field, for one a record left out */
  readonly nulls: Buffer[];
  readonly index: Map<string, number>;
  readonly id: number;
  readonly cursor: number;

  constructor(
    readonly names: readonly string[],
    readonly kinds: readonly number[],
    plan: SlicePlan,
  ) {
    this.bytes = names.map((name) => Buffer.from(name, 'utf8'));
    this.nulls = names.map((name) => Buffer.from(`,${JSON.stringify(name)}:null`));
    this.index = new Map(names.map((name, i) => [name, i]));
    this.id = plan.primaryKey ? (this.index.get(plan.primaryKey) ?? UNKNOWN) : UNKNOWN;
    this.cursor = plan.cursor ? (this.index.get(plan.cursor) ?? UNKNOWN) : UNKNOWN;
  }
}

class PageSlicer extends JsonScanner {
  private readonly out: ByteOutput;
  readonly release: () => void;
  /** bytes of the page still to be copied to `out`, from–to (see copy) */
  private pendingFrom = -1;
  private pendingTo = -1;
  private readonly seen: Uint32Array;
  private recordNo = 0;
  /** the next entry of `odd` a copy may reach */
  private oddAt = 0;
  /** names of the record's members that are not fields (none, from Salesforce), to find one named twice */
  private readonly others = new Set<string>();
  private othersOf = 0;

  constructor(
    b: Buffer,
    private readonly keys: Keys,
    pool: BufferPool,
  ) {
    super(b);
    this.out = new ByteOutput(b.length + 1024, (size) => pool.take(size));
    this.release = () => {
      for (const buffer of this.out.used) pool.give(buffer);
    };
    this.seen = new Uint32Array(keys.names.length);
  }

  page(): QueryPage {
    const b = this.b;
    // No prototype: a member named `__proto__` is a member like any other, as JSON.parse makes it.
    const members: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.expect(OPEN_OBJECT);
    this.space();
    if (b[this.pos] !== CLOSE_OBJECT) {
      for (;;) {
        this.space();
        const keyEnd = this.skipString(this.pos);
        const key = this.value(this.pos, keyEnd) as string;
        this.pos = keyEnd;
        this.expect(COLON);
        this.space();
        if (key === 'records' && b[this.pos] === OPEN_ARRAY) members.records = this.records();
        else {
          this.around = 1;
          const start = this.pos;
          this.pos = this.skipValue(start);
          if (key === 'records' || PAGE_MEMBERS.has(key)) members[key] = JSON.parse(b.toString('utf8', start, this.pos));
        }
        if (this.next(CLOSE_OBJECT)) break;
      }
    } else this.pos++;
    this.space();
    if (this.pos !== b.length) throw new Unsliceable();
    const page = queryPage(members);
    page.release = this.release;
    return page;
  }

  private records(): SlicedRecord[] {
    const records: SlicedRecord[] = [];
    this.pos++;
    this.space();
    if (this.b[this.pos] === CLOSE_ARRAY) {
      this.pos++;
      return records;
    }
    for (;;) {
      this.space();
      records.push(this.record());
      if (this.next(CLOSE_ARRAY)) break;
    }
    return records;
  }

  private record(): SlicedRecord {
    const { b, keys } = this;
    const { kinds } = keys;
    const recordNo = ++this.recordNo;
    const start = this.out.at;
    let id: unknown;
    let stamp: unknown;
    let expected = 0;
    let count = 0;
    let first = true;
    this.expect(OPEN_OBJECT);
    this.byte(OPEN_OBJECT);
    this.space();
    if (b[this.pos] === CLOSE_OBJECT) this.pos++;
    else {
      for (;;) {
        this.space();
        const keyStart = this.pos;
        const breaks = this.breaks;
        const keyEnd = this.skipString(keyStart);
        this.pos = keyEnd;
        this.expect(COLON);
        this.space();
        const valueStart = this.pos;
        this.around = 3;
        const valueEnd = this.skipValue(valueStart);
        // A line end inside the member would be copied into the RECORD line: the ordinary way writes it.
        if (this.breaks !== breaks) throw new Unsliceable();
        this.pos = valueEnd;
        // Salesforce writes the fields in the order of the SELECT: the expected name is nearly always the one.
        const i = this.isKey(expected, keyStart, keyEnd) ? expected : this.lookup(keyStart, keyEnd);
        if (i >= 0) {
          expected = i + 1;
          // A member named twice: JSON.parse keeps the last value at the first one's place, the ordinary way does that.
          if (this.seen[i] === recordNo) throw new Unsliceable();
          this.seen[i] = recordNo;
          count++;
        }
        if (i !== ATTRIBUTES) {
          if (!first) this.comma(keyStart);
          first = false;
          const kind = i >= 0 ? kinds[i] : PLAIN;
          const written = kind === PLAIN ? this.copy(keyStart, valueEnd) : this.writeTyped(kind, keyStart, keyEnd, valueStart, valueEnd);
          if (i === keys.id) id = this.value(valueStart, valueEnd);
          else if (i === keys.cursor) stamp = written ?? this.value(valueStart, valueEnd);
        }
        if (this.next(CLOSE_OBJECT)) break;
      }
    }
    if (count < keys.names.length) this.writeMissing(recordNo, first);
    this.byte(CLOSE_OBJECT);
    const record = new EncodedRecord(this.out.buffer, start, this.out.at) as SlicedRecord;
    if (keys.id >= 0) record[keys.names[keys.id]] = id ?? null;
    if (keys.cursor >= 0) record[keys.names[keys.cursor]] = stamp ?? null;
    return record;
  }

  /**
   * A datetime or anyType member. Salesforce's UTC form of a datetime gets `Z`, any other goes through
   * normalizeDateTime; an anyType value that is not text is written as text, as the schema types it.
   * Returns the datetime written, for the cursor.
   */
  private writeTyped(kind: number, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): string | undefined {
    const b = this.b;
    if (kind === DATETIME && matches(b, valueStart, valueEnd, SF_UTC)) {
      this.copy(keyStart, valueEnd - 6);
      this.byte(Z);
      this.byte(QUOTE);
      return b.toString('latin1', valueStart + 1, valueEnd - 6) + 'Z';
    }
    if (kind === DATETIME ? b[valueStart] !== QUOTE : b[valueStart] === QUOTE || this.isNull(valueStart, valueEnd)) {
      this.copy(keyStart, valueEnd);
      return undefined;
    }
    this.copy(keyStart, keyEnd);
    this.byte(COLON);
    if (kind === DATETIME) {
      const normalized = normalizeDateTime(this.value(valueStart, valueEnd) as string);
      this.writeText(JSON.stringify(normalized));
      return normalized;
    }
    const parsed: unknown = JSON.parse(b.toString('utf8', valueStart, valueEnd));
    this.writeText(JSON.stringify(typeof parsed === 'object' ? JSON.stringify(parsed) : String(parsed)));
    return undefined;
  }

  private writeMissing(recordNo: number, first: boolean): void {
    const { nulls } = this.keys;
    for (let i = 0; i < nulls.length; i++) {
      if (this.seen[i] === recordNo) continue;
      this.bytes(first ? nulls[i].subarray(1) : nulls[i]);
      first = false;
    }
  }

  private isNull(start: number, end: number): boolean {
    return end - start === 4 && this.b[start] === 0x6e;
  }

  /** Whether the key spanning `start`–`end` (quotes included) is field `i`'s name. */
  private isKey(i: number, start: number, end: number): boolean {
    const names = this.keys.bytes;
    if (i >= names.length) return false;
    const name = names[i];
    if (end - start - 2 !== name.length) return false;
    const b = this.b;
    for (let j = 0; j < name.length; j++) if (b[start + 1 + j] !== name[j]) return false;
    return true;
  }

  /** The field the key spanning `start`–`end` names, by its value (escapes read). */
  private lookup(start: number, end: number): number {
    // Every record starts with `attributes`: recognised by its bytes, without making a string of it.
    if (this.b.compare(ATTRIBUTES_KEY, 0, ATTRIBUTES_KEY.length, start, end) === 0) return ATTRIBUTES;
    const name = this.value(start, end) as string;
    const i = this.keys.index.get(name);
    if (i !== undefined) return i;
    if (name === 'attributes') return ATTRIBUTES;
    if (this.othersOf !== this.recordNo) {
      this.others.clear();
      this.othersOf = this.recordNo;
    }
    if (this.others.has(name)) throw new Unsliceable();
    this.others.add(name);
    return UNKNOWN;
  }

  /** The value of a JSON token (a string without escapes is read as it is, the others parsed). */
  private value(start: number, end: number): unknown {
    const b = this.b;
    if (b[start] === QUOTE) {
      let plain = true;
      for (let i = start + 1; i < end - 1; i++) if (b[i] === BACKSLASH || b[i] >= 0x80) plain = false;
      if (plain) return b.toString('latin1', start + 1, end - 1);
    }
    return JSON.parse(b.toString('utf8', start, end));
  }

  /**
   * Copies bytes of the page. Members that follow each other in the page go out in one copy (a
   * copy per member cost more than the bytes it moved), so a copy only extends the span pending.
   * Returns nothing, as the plain member it mostly copies needs no more.
   */
  private copy(start: number, end: number): undefined {
    if (start !== this.pendingTo) {
      this.flush();
      this.pendingFrom = start;
    }
    this.pendingTo = end;
    return undefined;
  }

  /** The comma before the member at `keyStart`: the page's own when it directly follows the span pending. */
  private comma(keyStart: number): void {
    if (this.pendingTo === keyStart - 1 && this.b[keyStart - 1] === COMMA) this.pendingTo = keyStart;
    else this.byte(COMMA);
  }

  /** Writes the span pending, with each odd number in it (see JsonScanner.odd) as JSON.stringify writes it. */
  private flush(): void {
    const to = this.pendingTo;
    if (to === this.pendingFrom) return;
    const odd = this.odd;
    let from = this.pendingFrom;
    for (; this.oddAt < odd.length && odd[this.oddAt] < to; this.oddAt += 3) {
      const start = odd[this.oddAt];
      if (start < from) continue;
      const keep = odd[this.oddAt + 2];
      this.out.copy(this.b, from, keep >= 0 ? keep : start);
      // JSON.stringify writes a number too large for a double (Infinity) as null.
      if (keep < 0) this.out.text(JSON.stringify(Number(this.b.toString('latin1', start, odd[this.oddAt + 1]))));
      from = odd[this.oddAt + 1];
    }
    this.out.copy(this.b, from, to);
    this.pendingFrom = this.pendingTo = -1;
  }

  private bytes(bytes: Buffer): void {
    this.flush();
    this.out.bytes(bytes);
  }

  private byte(c: number): void {
    this.flush();
    this.out.byte(c);
  }

  private writeText(text: string): void {
    this.flush();
    this.out.text(text);
  }
}
