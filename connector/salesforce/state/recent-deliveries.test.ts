import { describe, expect, it } from '@jest/globals';
import { MAX_RECENT, RecentDeliveries } from './recent-deliveries.js';

describe('RecentDeliveries', () => {
  it('recognises the exact versions delivered, not other versions of the same record', () => {
    const recent = RecentDeliveries.fromState({ recently_delivered: { '001A': '2024-01-01T00:00:00.000Z' } });
    expect(recent.wasDelivered('001A', '2024-01-01T00:00:00.000Z')).toBe(true);
    expect(recent.wasDelivered('001A', '2024-01-01T00:00:01.000Z')).toBe(false);
    expect(recent.wasDelivered('001B', '2024-01-01T00:00:00.000Z')).toBe(false);
  });

  it('keeps only versions inside the look-back window of the cursor', () => {
    const recent = new RecentDeliveries();
    recent.add('old', '2024-01-01T00:00:00.000Z');
    recent.add('edge', '2024-01-01T00:55:00.000Z');
    recent.add('new', '2024-01-01T01:00:00.000Z');
    expect(recent.forState('2024-01-01T01:00:00.000Z')).toEqual({ edge: '2024-01-01T00:55:00.000Z', new: '2024-01-01T01:00:00.000Z' });
  });

  it('gives up the list past its cap, and ignores malformed state', () => {
    const recent = new RecentDeliveries();
    for (let i = 0; i < MAX_RECENT; i++) recent.add(`id${i}`, '2024-01-01T00:00:00.000Z');
    // At the cap the list is still saved: without it the next run re-sends the whole look-back window.
    expect(Object.keys(recent.forState('2024-01-01T00:00:00.000Z')!)).toHaveLength(MAX_RECENT);
    recent.add(`id${MAX_RECENT}`, '2024-01-01T00:00:00.000Z');
    expect(recent.forState('2024-01-01T00:00:00.000Z')).toBeUndefined();
    expect(RecentDeliveries.fromState({ recently_delivered: 'x' }).wasDelivered('a', 'b')).toBe(false);
    expect(RecentDeliveries.fromState({ recently_delivered: { a: 5 } }).wasDelivered('a', '5')).toBe(false);
  });

  it('on a window read in no order, keeps exactly the versions inside the final look-back window', () => {
    const recent = new RecentDeliveries();
    const start = Date.parse('2024-01-01T00:00:00.000Z');
    const all: [string, string][] = [];
    // 100,000 versions over a day, in a scrambled order (a Bulk window without ORDER BY).
    for (let i = 0; i < 100_000; i++) all.push([`id${i}`, new Date(start + ((i * 7919) % 86_400_000)).toISOString()]);
    for (const [id, stamp] of all) recent.add(id, stamp);
    const newest = all
      .map(([, stamp]) => stamp)
      .sort()
      .at(-1)!;
    const floor = Date.parse(newest) - 5 * 60 * 1000;
    const expected = Object.fromEntries(all.filter(([, stamp]) => Date.parse(stamp) >= floor));
    expect(Object.keys(expected).length).toBeGreaterThan(100);
    expect(recent.forState(newest)).toEqual(expected);
  });

  it("keeps the earlier run's versions apart: they are skipped, and saved again only inside the window", () => {
    const recent = RecentDeliveries.fromState({ recently_delivered: { a: '2024-01-01T00:59:00.000Z', b: '2024-01-01T00:00:00.000Z' } });
    recent.add('c', '2024-01-01T01:00:00.000Z');
    expect(recent.wasDelivered('b', '2024-01-01T00:00:00.000Z')).toBe(true);
    expect(recent.forState('2024-01-01T01:00:00.000Z')).toEqual({ a: '2024-01-01T00:59:00.000Z', c: '2024-01-01T01:00:00.000Z' });
  });
});
