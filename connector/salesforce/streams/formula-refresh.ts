/**
 * Formula fields. Salesforce computes a formula when a record is read, so its value changes when
 * what it reads changes (a parent record, today's date) without the record's SystemModstamp moving:
 * an incremental read never sees that change. With `formula_refresh_hours` set, an incremental stream
 * whose selected fields include formulas is re-read whole (from start_date, every selected field, so
 * a dedup destination never receives a partial record) once that many hours have passed since its
 * last refresh, kept in its state.
 */
import type { DescribeField } from '../api/types.js';
import { asInstant } from '../state/cursor.js';
import type { ReadApi } from './page-source.js';

/** The stream state key of when the stream's last formula refresh started. */
export const FORMULA_STATE_KEY = 'formula_refreshed_at';

const HOUR_MS = 3_600_000;

export function formulaFields(fields: readonly DescribeField[]): string[] {
  return fields.filter((f) => f.calculated === true).map((f) => f.name);
}

export interface FormulaPlanInput {
  /** the config's formula_refresh_hours; undefined: refreshes are off */
  hours: number | undefined;
  /** the selected formula fields */
  formulas: readonly string[];
  streamState: Record<string, unknown> | undefined;
  /** the cursor this read starts from; undefined when the stream is read whole anyway */
  cursor: string | undefined;
  /**
   * when this run's read of the stream starts (ISO-8601 UTC), on the org's clock: the one clock every
   * run sees, whichever machine it runs on. The schedule compares it only with times it saved itself.
   */
  now: string;
}

export interface FormulaPlan {
  /** re-read the whole stream in this run */
  refresh: boolean;
  /** why, for the log line */
  reason?: string;
  /** the formula_refreshed_at every state of this read carries until it completes */
  during?: string;
  /** the formula_refreshed_at once the read completed */
  after?: string;
}

/** Whether this read must re-read the whole stream for its formulas, and what the state keeps of it. */
export function formulaRefreshDue(input: FormulaPlanInput): FormulaPlan {
  const { hours, formulas, streamState, cursor, now } = input;
  if (hours === undefined || formulas.length === 0) return { refresh: false };
  const last = asInstant(streamState?.[FORMULA_STATE_KEY]);
  // Read from start_date anyway (a first run): every formula is read fresh now.
  if (cursor === undefined) return { refresh: false, during: now, after: now };
  if (last === undefined) return { refresh: true, reason: 'no formula refresh is recorded in its state yet', after: now };
  const dueAt = Date.parse(last) + hours * HOUR_MS;
  if (Date.parse(now) < dueAt) return { refresh: false, during: last, after: last };
  return { refresh: true, reason: `its last formula refresh started at ${last}, more than ${hours} hours ago`, during: last, after: now };
}

/** Whole-object reads cost the fewest calls through Bulk; `rest` stays the user's choice. */
export function refreshReadApi(readApi: ReadApi): ReadApi {
  return readApi === 'rest' ? 'rest' : 'bulk';
}
