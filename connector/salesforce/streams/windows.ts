/**
 * Splitting a cursor window in two when Salesforce times out on it (QUERY_TIMEOUT): the
 * smaller the window, the fewer rows the query has to sort.
 */
import type { QueryBounds } from '../soql.js';

/** Below this width a window is not split further; the timeout is reported instead. */
export const MIN_WINDOW_MS = 1000;

// SystemModstamp cannot predate Salesforce; an open lower bound is split from here.
const EARLIEST = Date.parse('1999-01-01T00:00:00.000Z');

/** The two halves of `bounds`, or nothing when a half would be narrower than `minWidthMs`. */
export function splitWindow(bounds: QueryBounds, now: number, minWidthMs = MIN_WINDOW_MS): [QueryBounds, QueryBounds] | undefined {
  const { lower, upper } = windowSpan(bounds, now);
  if (upper - lower < 2 * minWidthMs) return undefined;
  const mid = new Date(lower + Math.floor((upper - lower) / 2)).toISOString();
  return [
    { ...bounds, to: mid },
    { from: mid, to: bounds.to },
  ];
}

/** The times `bounds` spans, in epoch ms. */
export function windowSpan(bounds: QueryBounds, now: number): { lower: number; upper: number } {
  const lower = Math.max(bounds.after?.stamp ? Date.parse(bounds.after.stamp) : -Infinity, bounds.from ? Date.parse(bounds.from) : EARLIEST);
  // An open window ends now: splitting it past now would make slices of the future, forever. `now`
  // is the org's (its stamps fill the window); the last slice stays open, so no change is left out.
  const upper = bounds.to ? Date.parse(bounds.to) : now;
  return { lower, upper };
}
