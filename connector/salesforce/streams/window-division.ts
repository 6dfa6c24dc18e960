/**
 * Dividing a large cursor window into windows of about equal record counts, so that several
 * connections can read it at once (window-loop.ts). Records are rarely spread evenly in time (a
 * data load puts most of an object in one afternoon), so halving by time alone would leave one
 * connection with nearly everything: the window is halved at its time midpoint, and the half with
 * the most records again, weighing each half with a COUNT() query, until every window holds about
 * total / parts records or is too narrow to halve.
 *
 * Cost: one REST call per COUNT(), at most `maxProbes` of them (window-loop.ts). What it buys:
 * windows small enough that connections pulling them in turn all stay busy to the end, which on a
 * link of a few MB/s per connection multiplies what the read carries, for a few percent more calls.
 */
import type { QueryBounds } from '../soql.js';
import { splitWindow } from './windows.js';

interface Piece {
  bounds: QueryBounds;
  count: number;
  /** too narrow to halve */
  whole?: boolean;
}

export interface Division {
  /** `window` itself, its records counted */
  window: QueryBounds;
  total: number;
  /** how many windows it should become, at most */
  parts: number;
  maxProbes: number;
  /** the org's time now: an open window ends there (windows.ts) */
  now: number;
}

/**
 * The windows, in cursor order, that together cover `window` exactly (the halves of windows.ts:
 * [from, mid) and [mid, to), so none overlap); one when it cannot be divided. `count` answers how
 * many records a window holds.
 */
export async function divideWindow(division: Division, count: (bounds: QueryBounds) => Promise<number>): Promise<QueryBounds[]> {
  const { window, total, parts, maxProbes, now } = division;
  const target = Math.max(1, Math.ceil(total / parts));
  const pieces: Piece[] = [{ bounds: window, count: total }];
  for (let probes = 0; probes < maxProbes;) {
    let largest = -1;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (!piece.whole && piece.count > target && (largest < 0 || piece.count > pieces[largest].count)) largest = i;
    }
    if (largest < 0) break;
    const piece = pieces[largest];
    const halves = splitWindow(piece.bounds, now);
    if (!halves) {
      piece.whole = true;
      continue;
    }
    // One probe per halving: the second half holds the rest (records changing meanwhile only skew the balance).
    const first = Math.min(piece.count, await count(halves[0]));
    probes++;
    pieces.splice(largest, 1, { bounds: halves[0], count: first }, { bounds: halves[1], count: piece.count - first });
  }
  // Neighbours that fit in one share together are read as one: no call is spent on empty stretches of time.
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (last && last.count + piece.count <= target) {
      last.bounds = { ...last.bounds, to: piece.bounds.to };
      last.count += piece.count;
    } else merged.push({ ...piece });
  }
  return merged.map((piece) => piece.bounds);
}
