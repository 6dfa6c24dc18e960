/**
 * The incremental cursor: the newest SystemModstamp delivered, and where the next query starts.
 *
 * A record can commit with a SystemModstamp older than records already delivered: Salesforce stamps
 * it when the transaction writes, not when it commits. So the next query starts a fixed look-back
 * before the cursor and delivers that window again; destinations deduplicate on Id. Records in the
 * window are re-sent, never skipped, and tie groups of any size are covered by `>=`.
 */
import { ConfigError } from '../errors.js';
import { CURSOR_FIELD } from '../objects.js';

export const LATE_COMMIT_LOOKBACK_MS = 5 * 60 * 1000;

/** The cursor stored in a stream's state, validated and normalised to ISO-8601 UTC. */
export function readCursor(streamState: Record<string, unknown> | undefined, stream: string, path: string): string | undefined {
  const value = streamState?.[CURSOR_FIELD];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ConfigError(
      `The state file ${path} has ${stream}.${CURSOR_FIELD} = ${JSON.stringify(value)}, which is not a date-time; fix it to a form like 2024-01-01T00:00:00.000Z or remove that stream's state.`,
    );
  }
  return new Date(ms).toISOString();
}

/** Where an incremental query starts: the look-back before the cursor, never before start_date. */
export function incrementalLowerBound(cursor: string | undefined, startDate: string | undefined): string | undefined {
  const fromCursor = cursor ? new Date(Date.parse(cursor) - LATE_COMMIT_LOOKBACK_MS).toISOString() : undefined;
  return laterOf(fromCursor, startDate);
}

/** The later of two ISO-8601 UTC instants (undefined counts as the beginning of time). */
export function laterOf(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
