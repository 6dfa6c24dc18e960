/**
 * What proves that a Bulk result page fetched again starts with the rows earlier downloads of it
 * delivered: an order-sensitive running hash (32-bit FNV-1a) over each row's identity, its primary
 * key and cursor values and the length of its JSON. Two trails agree only when they saw the same
 * rows in the same order (but for one chance in 2^32), which a count alone cannot tell: a page
 * missing a row in its middle has the count of a page cut at its end. O(1) memory and a few integer
 * operations per character of identity; a row without those keys is known by its length alone.
 */
import type { SlicedRecord } from '../streams/record-slicer.js';

const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;
/** What a missing value adds: no string length is this */
const ABSENT = -1;

export class RowTrail {
  rows = 0;
  private hash = OFFSET;

  /** `keys`: the record properties that name a row (the slicer's `identity`) */
  constructor(private readonly keys: readonly string[]) {}

  add(record: SlicedRecord): void {
    let h = this.hash;
    for (const key of this.keys) {
      const value = record[key];
      if (typeof value !== 'string') {
        h = Math.imul(h ^ ABSENT, PRIME);
        continue;
      }
      for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), PRIME);
      // Where the value ends: "ab" then "c" is not "a" then "bc".
      h = Math.imul(h ^ value.length, PRIME);
    }
    this.hash = Math.imul(h ^ (record.end - record.start), PRIME);
    this.rows++;
  }

  /** The same rows in the same order. */
  same(other: RowTrail): boolean {
    return this.rows === other.rows && this.hash === other.hash;
  }
}
