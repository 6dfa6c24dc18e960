/**
 * The incremental cursor: the newest cursor value delivered (SystemModstamp, or the stream's own
 * cursor field), and where the next query starts.
 *
 * A record can commit with a SystemModstamp older than records already delivered: Salesforce stamps
 * it when the transaction writes, not when it commits. So the next query starts a fixed look-back
 * before the cursor and delivers that window again; destinations deduplicate on Id. Records in the
 * window are re-sent, never skipped, and tie groups of any size are covered by `>=`.
 */

/** The cursor of streams whose state was saved before the state named its cursor. */
export const LEGACY_CURSOR = 'SystemModstamp';

export const LATE_COMMIT_LOOKBACK_MS = 5 * 60 * 1000;

/**
 * The state key naming the field the cursor value is of. A state saved before it existed holds a
 * SystemModstamp; a state naming another field than the stream's cursor today is not read as one.
 */
export const CURSOR_FIELD_KEY = 'cursor_field';

/** The state key of the versions delivered inside the look-back window (recent-deliveries.ts). */
export const RECENT_STATE_KEY = 'recently_delivered';

/** A date-time as ISO-8601 UTC, or undefined when the value is not one. */
export function asInstant(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export interface CursorReading {
  cursor?: string;
  /** the field the state's cursor is a value of, when the state holds one */
  field?: string;
  /** set when the saved cursor was not a date-time and the read falls back to `cursor` */
  repairedFrom?: unknown;
}

/**
 * The cursor stored in a stream's state, normalised to ISO-8601 UTC. An earlier release could save a
 * cursor that is not a date-time (a record without a valid SystemModstamp became it); rather than
 * fail every sync on it, the read starts again from the newest valid point the state still holds:
 * the versions delivered just before (their newest stamp), or none (start_date or the beginning).
 */
export function readCursor(streamState: Record<string, unknown> | undefined): CursorReading {
  const declared = streamState?.[CURSOR_FIELD_KEY];
  const field = typeof declared === 'string' && declared ? declared : LEGACY_CURSOR;
  const value = streamState?.[field];
  if (value === undefined || value === null) return {};
  const cursor = asInstant(value);
  if (cursor) return { cursor, field };
  const recent = streamState?.[RECENT_STATE_KEY];
  const stamps =
    recent && typeof recent === 'object'
      ? Object.values(recent)
          .map(asInstant)
          .filter((s): s is string => s !== undefined)
      : [];
  return { cursor: stamps.reduce<string | undefined>((a, b) => laterOf(a, b), undefined), field, repairedFrom: value };
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
