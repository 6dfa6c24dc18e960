import { describe, expect, it } from '@jest/globals';
import { EncodedRecord } from '../../runtime/encoded-record.js';
import type { SlicedRecord } from '../streams/record-slicer.js';
import { RowTrail } from './row-trail.js';

const KEYS = ['Id', 'SystemModstamp'];
const STAMP = '2024-01-01T00:00:00.000Z';
/** A record as the CSV slicer makes it: JSON bytes, with its identity set beside them. */
const row = (id: string | null, stamp: string | null = STAMP, bytes = 40): SlicedRecord => {
  const record = new EncodedRecord(Buffer.alloc(bytes), 0, bytes) as SlicedRecord;
  record.Id = id;
  record.SystemModstamp = stamp;
  return record;
};
const trail = (rows: SlicedRecord[], keys = KEYS) => {
  const t = new RowTrail(keys);
  for (const r of rows) t.add(r);
  return t;
};
const ids = (n: number) => Array.from({ length: n }, (_, i) => row(`001000000000${String(i).padStart(3, '0')}AAA`));

describe('row trail', () => {
  it('agrees on the same rows in the same order, and counts them', () => {
    const a = trail(ids(50));
    expect(a.rows).toBe(50);
    expect(a.same(trail(ids(50)))).toBe(true);
  });

  it('tells a page missing a middle row from the same count of rows read again: the case a count cannot see', () => {
    const page = ids(51);
    const firstDownload = trail([...page.slice(0, 25), ...page.slice(26)]);
    const skippedByTheRetry = trail(page.slice(0, 50));
    expect(firstDownload.rows).toBe(skippedByTheRetry.rows);
    expect(firstDownload.same(skippedByTheRetry)).toBe(false);
  });

  it('is order-sensitive', () => {
    const page = ids(10);
    expect(trail(page).same(trail([page[1], page[0], ...page.slice(2)]))).toBe(false);
  });

  it('tells rows apart by cursor value, by where a value ends, by a null, and by their length', () => {
    const base = trail([row('001A', STAMP)]);
    expect(base.same(trail([row('001A', '2024-01-01T00:00:01.000Z')]))).toBe(false);
    expect(trail([row('001A', 'B')]).same(trail([row('001', 'AB')]))).toBe(false);
    expect(trail([row('', STAMP)]).same(trail([row(null, STAMP)]))).toBe(false);
    expect(base.same(trail([row('001A', STAMP, 41)]))).toBe(false);
  });

  it('knows rows without a primary key or cursor by their length alone', () => {
    expect(trail([row(null, null, 10), row(null, null, 20)], []).same(trail([row('x', 'y', 10), row('z', 'w', 20)], []))).toBe(true);
    expect(trail([row(null, null, 10), row(null, null, 20)], []).same(trail([row(null, null, 20), row(null, null, 10)], []))).toBe(false);
  });
});
