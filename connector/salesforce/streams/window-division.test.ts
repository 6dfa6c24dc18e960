import { describe, expect, it } from '@jest/globals';
import type { QueryBounds } from '../soql.js';
import { divideWindow } from './window-division.js';

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;
const now = Date.parse('2026-12-01T00:00:00.000Z');
const from = new Date(now - 10 * YEAR).toISOString();

/** 20 records spread over ten years, 980 in one hour a month ago: what a data load leaves. */
const stamps = [
  ...Array.from({ length: 20 }, (_, i) => now - 10 * YEAR + i * (YEAR / 2)),
  ...Array.from({ length: 980 }, (_, i) => now - 720 * HOUR + (i * HOUR) / 980),
];
const inside = (b: QueryBounds) => stamps.filter((s) => (!b.from || s >= Date.parse(b.from)) && (!b.to || s < Date.parse(b.to))).length;

describe('divideWindow', () => {
  it('finds a cluster of an hour in ten years and divides it into windows of about equal counts, covering the window exactly', async () => {
    let probes = 0;
    const count = async (b: QueryBounds) => (probes++, inside(b));
    const windows = await divideWindow({ window: { from }, total: stamps.length, parts: 16, maxProbes: 48, now }, count);
    expect(probes).toBeLessThanOrEqual(48);
    expect(windows.length).toBeGreaterThanOrEqual(12);
    for (const w of windows) expect(inside(w)).toBeLessThanOrEqual(Math.ceil(stamps.length / 16));
    // Contiguous, in order, from the window's start to its open end: every record in exactly one window.
    expect(windows[0].from).toBe(from);
    expect(windows.at(-1)!.to).toBeUndefined();
    for (let i = 1; i < windows.length; i++) expect(windows[i].from).toBe(windows[i - 1].to);
    expect(windows.reduce((sum, w) => sum + inside(w), 0)).toBe(stamps.length);
  });

  it('spends no more than maxProbes, and leaves a window it cannot halve whole', async () => {
    let probes = 0;
    const count = async (b: QueryBounds) => (probes++, inside(b));
    const few = await divideWindow({ window: { from }, total: stamps.length, parts: 16, maxProbes: 3, now }, count);
    expect(probes).toBe(3);
    expect(few.reduce((sum, w) => sum + inside(w), 0)).toBe(stamps.length);
    const narrow = { from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T00:00:01.500Z' };
    expect(await divideWindow({ window: narrow, total: 500, parts: 16, maxProbes: 48, now }, count)).toEqual([narrow]);
  });
});
