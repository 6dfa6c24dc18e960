/**
 * What one stream's read does in this run, decided before any call reads a record: its fields and
 * keys, its mode, the first window (lower bound and resume point), whether the formulas are
 * refreshed, where deletions are listed from, which API reads it, and what the state carries. A pure
 * function of the stream, its describe, its saved state, the config and the time the read starts;
 * how the windows are then read and split is window-loop.ts, which knows nothing of any of this.
 */
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import { ConfigError } from '../../runtime/errors.js';
import type { LogLevel } from '../../runtime/messages.js';
import { isSalesforceId } from '../api/api-url.js';
import type { DescribeField, DescribeResult } from '../api/types.js';
import { DEFAULTS } from '../config/defaults.js';
import type { StreamKeys } from '../objects.js';
import type { QueryBounds } from '../soql.js';
import { incrementalLowerBound, type CursorReading } from '../state/cursor.js';
import { AFTER_ID_KEY, FULL_REFRESH_KEY } from './checkpoints.js';
import { DELETIONS_STATE_KEY, deletionsFrom, listsDeletions } from './deleted-records.js';
import { selectFields } from './field-selection.js';
import { FORMULA_STATE_KEY, formulaFields, formulaRefreshDue, refreshReadApi } from './formula-refresh.js';
import type { ReadApi } from './page-source.js';

/** What the config says about reading streams. */
export interface ReadOptions {
  startDate?: string;
  readApi?: ReadApi;
  /** the config's formula_refresh_hours (formula-refresh.ts) */
  formulaRefreshHours?: number;
}

export interface ReadPlanInput {
  stream: ConfiguredStream;
  describe: DescribeResult;
  /** the cursor of the stream's saved state, as read (and repaired) before the read began */
  reading: CursorReading;
  state: Record<string, unknown> | undefined;
  options: ReadOptions;
  /** when this read of the stream starts (ISO-8601 UTC): the first deletions window and formula refresh start there */
  now: string;
}

export interface PlanNote {
  level: LogLevel;
  message: string;
}

export interface ReadPlan {
  fields: DescribeField[];
  keys: StreamKeys;
  incremental: boolean;
  /** queryAll, so soft-deleted records are read too (incremental reads only) */
  includeDeleted: boolean;
  api: ReadApi;
  /** the first window: from the lower bound, after the resume point of a cut-off full refresh */
  window: QueryBounds;
  /** the cursor the state starts from */
  cursor?: string;
  /** a full refresh without cursor resumes after this Id (the state's position) */
  afterId?: string;
  /** skip the versions the saved state lists as delivered inside the look-back window */
  skipRecent: boolean;
  /** state keys every state of this read carries from its first page on */
  carried: Record<string, string>;
  /** formula_refreshed_at once every window is read, when it differs from the carried one */
  formulasRefreshedAfter?: string;
  /** deletions are listed from here once every window is read */
  deletionsFrom?: string;
  /** lines for the operator before the read starts */
  notes: PlanNote[];
}

export function planRead(input: ReadPlanInput): ReadPlan {
  const { stream, describe, reading, options, now } = input;
  const object = stream.name;
  const { fields, dropped, keys } = selectFields(describe, stream.fields, object);
  const incremental = stream.syncMode === 'incremental';
  if (incremental) checkCursorChoice(stream, keys.cursor);
  const notes: PlanNote[] = [];
  let state = input.state;
  let inputCursor = reading.cursor;
  if (incremental && reading.field && reading.field !== keys.cursor) {
    // A cursor value of another field says nothing about this one: reading from it could skip records.
    notes.push({
      level: 'WARN',
      message: `${object}: the state holds a ${reading.field} cursor but ${object} is now read on ${keys.cursor}, so ${object} is read again from ${options.startDate ?? 'the beginning'}; records already delivered may arrive again.`,
    });
    inputCursor = undefined;
    state = undefined;
  }
  if (dropped.length) {
    const verb = dropped.length === 1 ? 'is' : 'are';
    notes.push({
      level: 'WARN',
      message: `${object}: ${dropped.join(', ')} ${verb} in the catalog but no longer readable (deleted, or hidden by field-level security); left out of this sync. Run discover to refresh the schema.`,
    });
  }
  const formulas = incremental
    ? formulaRefreshDue({ hours: options.formulaRefreshHours, formulas: formulaFields(fields), streamState: state, cursor: inputCursor, now })
    : { refresh: false };
  const resumed = incremental ? undefined : fullRefreshResume(state, keys, reading);
  // start_date bounds what a stream with a cursor reads; one without is read whole.
  const from = formulas.refresh
    ? options.startDate
    : incremental
      ? incrementalLowerBound(inputCursor, options.startDate)
      : keys.cursor
        ? incrementalLowerBound(resumed?.cursor, options.startDate)
        : undefined;
  const mode = incremental
    ? `incremental on ${keys.cursor} from ${from ?? 'the beginning'}`
    : `${keys.cursor ? 'full refresh' : `full refresh only (${noCursorReason(keys)})`}${resumed ? `, resumed where the last run stopped (${resumed.cursor ?? resumed.afterId})` : ''}`;
  notes.push({ level: 'INFO', message: `${object}: ${mode}, ${fields.length} fields.` });
  if (formulas.refresh) {
    notes.push({
      level: 'INFO',
      message: `${object}: re-reading every record from ${from ?? 'the beginning'} for its formula fields, because ${formulas.reason}.`,
    });
  }
  // An incremental stream has a cursor, hence an Id (objects.ts).
  const deletions = incremental && listsDeletions(describe) ? deletionsFrom(state, now) : undefined;
  const carried: Record<string, string> = {};
  if (deletions) carried[DELETIONS_STATE_KEY] = deletions;
  if (formulas.during) carried[FORMULA_STATE_KEY] = formulas.during;
  const readApi = options.readApi ?? DEFAULTS.readApi;
  return {
    fields,
    keys,
    incremental,
    includeDeleted: incremental,
    api: formulas.refresh ? refreshReadApi(readApi) : readApi,
    window: { from, ...(resumed?.afterId ? { after: { id: resumed.afterId } } : {}) },
    cursor: incremental ? inputCursor : resumed?.cursor,
    afterId: resumed?.afterId,
    // A formula refresh delivers every record again, those an earlier run sent inside the look-back window too.
    skipRecent: !formulas.refresh && (incremental || resumed !== undefined) && state !== undefined,
    carried,
    formulasRefreshedAfter: formulas.after !== formulas.during ? formulas.after : undefined,
    deletionsFrom: deletions,
    notes,
  };
}

/**
 * Where a full refresh cut off in an earlier run resumes: the cursor (and the versions delivered
 * near it) of its last state, or the last Id for a stream without cursor. Nothing when the last
 * full refresh completed, or the state is of another cursor field: the refresh then starts over.
 */
function fullRefreshResume(
  state: Record<string, unknown> | undefined,
  keys: StreamKeys,
  reading: CursorReading,
): { cursor?: string; afterId?: string } | undefined {
  if (state?.[FULL_REFRESH_KEY] !== 'in_progress' || !keys.primaryKey) return undefined;
  if (keys.cursor) return reading.field === keys.cursor && reading.cursor && !reading.repairedFrom ? { cursor: reading.cursor } : undefined;
  const afterId = state[AFTER_ID_KEY];
  return typeof afterId === 'string' && isSalesforceId(afterId) ? { afterId } : undefined;
}

function noCursorReason(keys: StreamKeys): string {
  return keys.primaryKey ? 'no SystemModstamp, LastModifiedDate or CreatedDate' : 'no Id';
}

/** An incremental stream must have a cursor, and a catalog that names one must name the stream's own. */
export function checkCursorChoice(stream: ConfiguredStream, cursor: string | undefined): void {
  if (!cursor) {
    throw new ConfigError(
      `The catalog asks for ${stream.name} in incremental mode, but ${stream.name} has no cursor field, so it can only be read in full refresh; set its sync_mode to full_refresh.`,
      { stream: stream.name },
    );
  }
  const named = stream.cursorField;
  if (named && (named.length !== 1 || named[0] !== cursor)) {
    throw new ConfigError(
      `The catalog sets cursor_field ${JSON.stringify(named)} for ${stream.name}, but this source's cursor for ${stream.name} is ["${cursor}"]; remove cursor_field or set it to ["${cursor}"].`,
      { stream: stream.name },
    );
  }
}
