import { describe, expect, it } from '@jest/globals';
import type { QueryBounds } from '../soql.js';
import { divideWindow, sliceWindow } from './window-division.js';

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;
const now = Date.parse('2026-12-01T00:00:00.000Z');
const from = new Date(now - 10 * YEAR).toISOString();

/** 20 records spread over ten years, 980 in one hour a month ago: what a data load leaves. */
const stamps = [
  ...Array.from({ length: 20 }, (_, i) => now - 10 * YEAR + i * (YEAR / 2)),
  ...Array.from({ length: 980 }, (_, i) => now - 720 * HOUR + (i * HOUR) / 980),
];
/** 24,000 records spread evenly over the last five years: an object filled steadily. */
const even = Array.from({ length: 24_000 }, (_, i) => now - 5 * YEAR + i * ((5 * YEAR) / 24_000));

/** Records of `among` (sorted) in [from, to): two binary searches, as a scan per count made this file cost a second. */
const inside = (b: QueryBounds, among = stamps) =>
  Math.max(0, firstAtOrAfter(among, b.to ? Date.parse(b.to) : Infinity) - firstAtOrAfter(among, b.from ? Date.parse(b.from) : -Infinity));

/** The index of the first stamp at or after `at` in ascending `sorted`: its length when there is none. */
function firstAtOrAfter(sorted: number[], at: number): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

describe('divideWindow', () => {
  it('finds a cluster of an hour in ten years and divides it into windows of about equal counts, covering the window exactly', async () => {
    let probes = 0;
    const count = async (b: QueryBounds) => (probes++, inside(b));
    const windows = await divideWindow({ window: { from }, total: stamps.length, parts: 16, maxProbes: 48, lanes: 1, now }, count);
    expect(probes).toBeLessThanOrEqual(48);
    expect(windows.length).toBeGreaterThanOrEqual(12);
    for (const w of windows) expect(inside(w)).toBeLessThanOrEqual(Math.ceil(stamps.length / 16));
    // Contiguous, in order, from the window's start to its open end: every record in exactly one window.
    expect(windows[0].from).toBe(from);
    expect(windows.at(-1)!.to).toBeUndefined();
    for (let i = 1; i < windows.length; i++) expect(windows[i].from).toBe(windows[i - 1].to);
    expect(windows.reduce((sum, w) => sum + inside(w), 0)).toBe(stamps.length);
  });

  it('divides a cluster through 6 connections in a few rounds of counts sent at once', async () => {
    const round = countInRounds(stamps);
    const windows = await divideWindow({ window: { from }, total: stamps.length, parts: 24, maxProbes: 48, lanes: 6, now }, round.count);
    expect(round.peak).toBeGreaterThan(1);
    expect(round.peak).toBeLessThanOrEqual(6);
    expect(round.probes).toBeLessThanOrEqual(48);
    // Halving one window per COUNT() takes some 40 counts one after another to get here.
    expect(round.rounds).toBeLessThanOrEqual(15);
    expect(windows.length).toBeGreaterThanOrEqual(16);
    for (const w of windows) expect(inside(w)).toBeLessThanOrEqual(Math.ceil(stamps.length / 24));
    expectExactCover(windows, from, stamps);
  });

  it('divides evenly spread records in two rounds, for about one count per window', async () => {
    const start = new Date(even[0]).toISOString();
    const round = countInRounds(even);
    const windows = await divideWindow({ window: { from: start }, total: even.length, parts: 24, maxProbes: 64, lanes: 6, now }, round.count);
    expect(round.rounds).toBeLessThanOrEqual(2);
    expect(round.peak).toBe(6);
    expect(round.probes).toBeLessThanOrEqual(30);
    expect(windows.length).toBeGreaterThanOrEqual(20);
    for (const w of windows) expect(inside(w, even)).toBeLessThanOrEqual(1000);
    expectExactCover(windows, start, even);
  });

  it('slices a window into equal stretches of time that keep its start and its open end', () => {
    const after = { stamp: '2026-11-01T00:00:00.000Z', id: '001000000000001AAA' };
    const slices = sliceWindow({ after }, Date.parse('2026-11-04T00:00:00.000Z'), 3)!;
    expect(slices).toEqual([
      { after, to: '2026-11-02T00:00:00.000Z' },
      { from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' },
      { from: '2026-11-03T00:00:00.000Z', to: undefined },
    ]);
    // No slice narrower than a second.
    expect(sliceWindow({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T00:00:02.500Z' }, now, 8)).toHaveLength(2);
    expect(sliceWindow({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T00:00:01.500Z' }, now, 8)).toBeUndefined();
  });

  it('spends no more than maxProbes, and leaves a window it cannot halve whole', async () => {
    let probes = 0;
    const count = async (b: QueryBounds) => (probes++, inside(b));
    const few = await divideWindow({ window: { from }, total: stamps.length, parts: 16, maxProbes: 3, lanes: 1, now }, count);
    expect(probes).toBe(3);
    expect(few.reduce((sum, w) => sum + inside(w), 0)).toBe(stamps.length);
    const narrow = { from: '2026-11-30T00:00:00.000Z', to: '2026-11-30T00:00:01.500Z' };
    expect(await divideWindow({ window: narrow, total: 500, parts: 16, maxProbes: 48, lanes: 1, now }, count)).toEqual([narrow]);
  });
});

/** A count over `among` that notes how many counts run at once, and how many rounds (counts sent while none ran) there were. */
function countInRounds(among: number[]) {
  const round = { probes: 0, peak: 0, rounds: 0, count: async (_bounds: QueryBounds) => 0 };
  let running = 0;
  round.count = async (b: QueryBounds) => {
    if (running === 0) round.rounds++;
    running++;
    round.probes++;
    round.peak = Math.max(round.peak, running);
    // Settles on a later turn, so that the counts of a round overlap as over a network.
    await new Promise((resolve) => setTimeout(resolve, 1));
    running--;
    return inside(b, among);
  };
  return round;
}

/** Contiguous, in order, from `start` to the window's open end: every record in exactly one window. */
function expectExactCover(windows: QueryBounds[], start: string, among: number[]) {
  expect(windows[0].from).toBe(start);
  expect(windows.at(-1)!.to).toBeUndefined();
  for (let i = 1; i < windows.length; i++) expect(windows[i].from).toBe(windows[i - 1].to);
  expect(windows.reduce((sum, w) => sum + inside(w, among), 0)).toBe(among.length);
}
