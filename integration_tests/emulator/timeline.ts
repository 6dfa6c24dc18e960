/**
 * The modification history of generated records: a non-decreasing sequence of SystemModstamps with
 * deliberate ties (records changed in the same millisecond), and a scattering of Ids over that
 * sequence. Generated in storage order, so the store never has to sort the base data.
 */
import { Rng } from './rng.js';

export const HISTORY_START = Date.UTC(2023, 0, 1);
export const HISTORY_END = Date.UTC(2025, 5, 30, 23, 59, 59, 999);

export interface Timeline {
  /** epoch ms per storage position, non-decreasing */
  modstamps: number[];
  /** per storage position, the Id counter; ascending within a tie group, so order is (SystemModstamp, Id) */
  idCounters: number[];
}

/** Runs of equal modstamps to plant: a mass update, ties larger than a page. */
export interface MassUpdate {
  size: number;
  /** where in the history, 0..1 */
  at: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function buildTimeline(n: number, rng: Rng, massUpdates: MassUpdate[]): Timeline {
  const modstamps = new Array<number>(n);
  const span = HISTORY_END - HISTORY_START;
  const planted = new Map<number, number>();
  for (const mu of massUpdates) {
    const size = Math.min(mu.size, n);
    if (size > 1) planted.set(Math.min(n - size, Math.floor(mu.at * n)), size);
  }
  const meanGap = span / Math.max(1, n);
  let t = HISTORY_START + rng.int(0, Math.floor(meanGap));
  let i = 0;
  while (i < n) {
    const mass = planted.get(i);
    // Small tie groups (2..6 rows in one ms) happen often; mass updates where planted.
    const run = mass ?? (rng.chance(0.04) ? rng.int(2, 6) : 1);
    for (let k = 0; k < run && i < n; k++) modstamps[i++] = t;
    t = Math.min(HISTORY_END, t + 1 + Math.floor(rng.next() * 2 * meanGap * run));
  }

  // An affine permutation scatters Ids over time (old records get modified later), O(n), no shuffle.
  let a = Math.max(1, Math.floor(n * 0.618) | 1);
  while (gcd(a, n) !== 1) a++;
  const c = rng.int(0, Math.max(0, n - 1));
  const idCounters = new Array<number>(n);
  for (let p = 0; p < n; p++) idCounters[p] = (a * p + c) % n;
  sortWithinTies(modstamps, idCounters);
  return { modstamps, idCounters };
}

function sortWithinTies(modstamps: number[], ids: number[]): void {
  let start = 0;
  for (let p = 1; p <= modstamps.length; p++) {
    if (p === modstamps.length || modstamps[p] !== modstamps[start]) {
      if (p - start > 1) {
        const group = ids.slice(start, p).sort((x, y) => x - y);
        for (let k = 0; k < group.length; k++) ids[start + k] = group[k];
      }
      start = p;
    }
  }
}
