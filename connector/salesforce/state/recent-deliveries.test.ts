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
    for (let i = 0; i <= MAX_RECENT; i++) recent.add(`id${i}`, '2024-01-01T00:00:00.000Z');
    expect(recent.forState('2024-01-01T00:00:00.000Z')).toBeUndefined();
    expect(RecentDeliveries.fromState({ recently_delivered: 'x' }).wasDelivered('a', 'b')).toBe(false);
    expect(RecentDeliveries.fromState({ recently_delivered: { a: 5 } }).wasDelivered('a', '5')).toBe(false);
  });
});
