import { describe, expect, it } from '@jest/globals';
import type { QueryBounds } from '../soql.js';
import { splitWindow } from './windows.js';

const DAY = 86_400_000;

describe('splitWindow', () => {
  const now = Date.parse('2026-12-02T00:00:00.000Z');

  it('halves a closed window, and an open one up to now', () => {
    expect(splitWindow({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' }, now)).toEqual([
      { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' },
      { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
    ]);
    expect(splitWindow({ from: '2026-11-30T00:00:00.000Z' }, now)).toEqual([
      { from: '2026-11-30T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
      { from: '2026-12-01T00:00:00.000Z', to: undefined },
    ]);
  });

  it('keeps the resume point in the first half only: the second starts past it anyway', () => {
    // What is left past it is halved; dropping it would re-read from the window's start what this run already wrote.
    const after = { stamp: '2026-11-01T06:00:00.000Z', id: '001000000000001AAA' };
    expect(splitWindow({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z', after }, now)).toEqual([
      { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T03:00:00.000Z', after },
      { from: '2026-11-02T03:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
    ]);
  });

  it('never splits an open window into the future, however wide the minimum', () => {
    // A minimum wider than what is left until now: no halves of days that have not come yet.
    expect(splitWindow({ from: '2026-11-01T00:00:00.000Z' }, now, 400 * DAY)).toBeUndefined();
    let windows: QueryBounds[] = [{ from: '2020-01-01T00:00:00.000Z' }];
    for (let round = 0; round < 20; round++) {
      windows = windows.flatMap((w) => splitWindow(w, now, 30 * DAY) ?? []);
      for (const w of windows) expect(Date.parse(w.from!)).toBeLessThan(now);
    }
    expect(windows).toEqual([]);
  });
});
