/**
 * Dividing a large cursor window into windows of about equal record counts, so that several
 * connections can read it at once (window-loop.ts). Records are rarely spread evenly in time (a
 * data load puts most of an object in one afternoon), so slicing by time alone would leave one
 * connection with nearly everything: the window is cut into equal slices of time, each weighed
 * with a COUNT() query, and every slice still holding more than total / parts records is cut
 * again, until every window holds about that many or is too narrow to cut.
 *
 * The COUNT() calls of one round are independent, so they go out together, as many at once as
 * there are connections (`lanes`): each costs a round trip, and one after another they would hold
 * up the read for seconds on a long link. A round cuts each oversize slice in as many ways as its
 * share of the lanes allows (at least two, at most as many as it has shares of records), and a slice
 * of a piece whose slices came out about equal, likely evenly filled too, straight into its shares:
 * a window of evenly spread records is divided in two rounds, and a cluster of a few hours in ten
 * years is narrowed several times per round, not halved once per call.
 *
 * Cost: one REST call per COUNT(), at most `maxProbes` of them (window-loop.ts). What it buys:
 * windows small enough that connections pulling them in turn all stay busy to the end, which on a
 * link of a few MB/s per connection multiplies what the read carries, for a few percent more calls.
 */
import type { QueryBounds } from '../soql.js';
import { MIN_WINDOW_MS, windowSpan } from './windows.js';

/** Slices whose largest holds at most this many times their mean count are taken for evenly filled time. */
const EVEN_SLACK = 1.5;

/**
 * The most slices a piece not known to be evenly filled is cut into: narrowing a cluster down takes
 * the fewest counts by halves (one per halving), the fewest rounds by many slices; three find an
 * hour in ten years in some 45 counts and a dozen rounds.
 */
const UNEVEN_WAYS = 3;

interface Piece {
  bounds: QueryBounds;
  count: number;
  /** too narrow to cut */
  whole?: boolean;
  /** cut from a piece whose slices held about equal counts: its records are likely spread evenly too */
  even?: boolean;
}

export interface Division {
  /** `window` itself, its records counted */
  window: QueryBounds;
  total: number;
  /** how many windows it should become, at most */
  parts: number;
  maxProbes: number;
  /** COUNT() queries sent at once: the connections the read holds */
  lanes: number;
  /** the org's time now: an open window ends there (windows.ts) */
  now: number;
}

/**
 * `bounds` cut into `ways` contiguous slices of equal time (fewer when a slice would be narrower
 * than MIN_WINDOW_MS; none when it cannot be cut at all): the first keeps the window's start, the
 * last its end (open stays open), and each boundary is one slice's `to` and the next one's `from`.
 */
export function sliceWindow(bounds: QueryBounds, now: number, ways: number): QueryBounds[] | undefined {
  const { lower, upper } = windowSpan(bounds, now);
  const n = Math.min(ways, Math.floor((upper - lower) / MIN_WINDOW_MS));
  if (n < 2) return undefined;
  const cuts = Array.from({ length: n - 1 }, (_, i) => new Date(lower + Math.floor(((upper - lower) * (i + 1)) / n)).toISOString());
  return Array.from({ length: n }, (_, i) => (i === 0 ? { ...bounds, to: cuts[0] } : { from: cuts[i - 1], to: i === n - 1 ? bounds.to : cuts[i] }));
}

/**
 * The windows, in cursor order, that together cover `window` exactly (none overlap); one when it
 * cannot be divided. `count` answers how many records a window holds.
 */
export async function divideWindow(division: Division, count: (bounds: QueryBounds) => Promise<number>): Promise<QueryBounds[]> {
  const { window, total, parts, maxProbes, now } = division;
  const lanes = Math.max(1, division.lanes);
  const target = Math.max(1, Math.ceil(total / parts));
  let pieces: Piece[] = [{ bounds: window, count: total }];
  let probes = 0;
  for (;;) {
    // The largest first: when the probes run short, they go where the imbalance is worst.
    const oversize = pieces.filter((piece) => !piece.whole && piece.count > target).sort((a, b) => b.count - a.count);
    if (!oversize.length || probes >= maxProbes) break;
    const share = Math.max(2, 1 + Math.floor(lanes / oversize.length));
    // Each cut piece's slices, and where their counts start among the round's probes.
    const cuts = new Map<Piece, { slices: QueryBounds[]; at: number }>();
    // One probe per slice but the last: it holds the rest (records changing meanwhile only skew the balance).
    const probed: QueryBounds[] = [];
    for (const piece of oversize) {
      const left = maxProbes - probes - probed.length;
      if (left < 1) break;
      const shares = Math.ceil(piece.count / target);
      const slices = sliceWindow(piece.bounds, now, Math.min(piece.even ? shares : Math.min(share, UNEVEN_WAYS, shares), left + 1));
      if (!slices) piece.whole = true;
      else {
        cuts.set(piece, { slices, at: probed.length });
        probed.push(...slices.slice(0, -1));
      }
    }
    if (!probed.length) continue;
    probes += probed.length;
    const counts = await countAll(probed, lanes, count);
    const next: Piece[] = [];
    for (const piece of pieces) {
      const cut = cuts.get(piece);
      if (!cut) {
        next.push(piece);
        continue;
      }
      let left = piece.count;
      const slices = cut.slices.map((bounds, i) => {
        const n = i < cut.slices.length - 1 ? Math.min(left, counts[cut.at + i]) : left;
        left -= n;
        return { bounds, count: n };
      });
      const even = Math.max(...slices.map((slice) => slice.count)) <= (EVEN_SLACK * piece.count) / slices.length;
      next.push(...slices.map((slice) => ({ ...slice, even })));
    }
    pieces = next;
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

/** The counts of `windows`, in order, at most `lanes` queries at a time; the first failure once all have stopped. */
async function countAll(windows: QueryBounds[], lanes: number, count: (bounds: QueryBounds) => Promise<number>): Promise<number[]> {
  const counts: number[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < windows.length) {
      const at = next++;
      try {
        counts[at] = await count(windows[at]);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, windows.length) }, worker));
  if (failure) throw failure.error;
  return counts;
}
