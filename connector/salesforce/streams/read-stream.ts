/**
 * Reads one stream: describe, select fields, then read its cursor window page by page
 * through REST (or Bulk, see page-source.ts), handing the runtime a checkpoint after every page. When Salesforce
 * times out on a window (a REST QUERY_TIMEOUT, or a Bulk job that fails or never ends) it is split
 * in two, and a Bulk window too narrow to split is read through REST; when Salesforce drops a query
 * cursor the read resumes right after the last record written. Either way no record is skipped or
 * repeated within the run. A full refresh cut off in an earlier run resumes where that run stopped.
 */
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import { BulkJobFailedError, SalesforceApiError, SalesforceFailure } from '../api/failures.js';
import { isSalesforceId } from '../api/api-url.js';
import { bulkJobOutcome } from '../api/describe-failure.js';
import type { SalesforceClient } from '../api/client.js';
import type { StreamKeys } from '../objects.js';
import { earliestChangeQuery, type QueryBounds } from '../soql.js';
import { ConfigError } from '../../runtime/errors.js';
import { incrementalLowerBound, type CursorReading } from '../state/cursor.js';
import { selectFields } from './field-selection.js';
import { AFTER_ID_KEY, FULL_REFRESH_KEY, StreamCheckpoints } from './checkpoints.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';
import { normalizeDateTime } from './record-shaper.js';
import { choosePageSource, restPageSource, type ReadApi } from './page-source.js';
import type { PageSource, ReadChoices } from './pages.js';
import { PageOrder } from './page-order.js';
import { splitWindow } from './windows.js';
import type { StreamSink } from '../../runtime/source.js';
import { DEFAULTS } from '../defaults.js';
import { DELETIONS_STATE_KEY, deletionsFrom, listsDeletions, readDeletions } from './deleted-records.js';
import { FORMULA_STATE_KEY, formulaFields, formulaRefreshDue, refreshReadApi, type FormulaPlan } from './formula-refresh.js';

export interface StreamReadContext {
  client: SalesforceClient;
  sink: StreamSink;
  startDate?: string;
  readApi?: ReadApi;
  /** the config's formula_refresh_hours (formula-refresh.ts) */
  formulaRefreshHours?: number;
}

const MAX_CURSOR_RESTARTS = 5;

/** A window to read, and whether Bulk already failed on it at its narrowest (then REST reads it). */
interface Window {
  bounds: QueryBounds;
  viaRest?: boolean;
}

async function earliestChange(client: SalesforceClient, object: string, cursor: string, includeDeleted: boolean): Promise<string | undefined> {
  for await (const page of client.query(earliestChangeQuery(object, cursor), { object, includeDeleted })) {
    const stamp = page.records[0]?.[cursor];
    return typeof stamp === 'string' ? normalizeDateTime(stamp) : undefined;
  }
  return undefined;
}

export async function readStream(
  ctx: StreamReadContext,
  stream: ConfiguredStream,
  reading: CursorReading,
  inputState?: Record<string, unknown>,
): Promise<void> {
  const { client, sink } = ctx;
  const object = stream.name;
  const describe = await client.describe(object);
  const selection = selectFields(describe, stream.fields, object);
  const { keys } = selection;
  const incremental = stream.syncMode === 'incremental';
  if (incremental) checkCursorChoice(stream, keys.cursor);
  let inputCursor = reading.cursor;
  if (incremental && reading.field && reading.field !== keys.cursor) {
    // A cursor value of another field says nothing about this one: reading from it could skip records.
    await sink.log(
      'WARN',
      `${object}: the state holds a ${reading.field} cursor but ${object} is now read on ${keys.cursor}, so ${object} is read again from ${ctx.startDate ?? 'the beginning'}; records already delivered may arrive again.`,
    );
    inputCursor = undefined;
    inputState = undefined;
  }
  if (selection.dropped.length) {
    const verb = selection.dropped.length === 1 ? 'is' : 'are';
    await sink.log(
      'WARN',
      `${object}: ${selection.dropped.join(', ')} ${verb} in the catalog but no longer readable (deleted, or hidden by field-level security); left out of this sync. Run discover to refresh the schema.`,
    );
  }
  // The org's time, not ours: deletions_through is compared with Salesforce's deletion stamps (api/org-clock.ts).
  const readStartedAt = new Date(client.orgClock.now()).toISOString();
  const formulas: FormulaPlan = incremental
    ? formulaRefreshDue({
        hours: ctx.formulaRefreshHours,
        formulas: formulaFields(selection.fields),
        streamState: inputState,
        cursor: inputCursor,
        now: readStartedAt,
      })
    : { refresh: false };
  const deletionsStart = incremental && keys.primaryKey && listsDeletions(describe) ? deletionsFrom(inputState, readStartedAt) : undefined;
  const readApi = ctx.readApi ?? DEFAULTS.readApi;
  const choices: ReadChoices = { includeDeleted: incremental };
  const source: PageSource = choosePageSource({
    client,
    log: sink.log,
    object,
    selected: selection.fields,
    describe: describe.fields,
    choices,
    keys,
    readApi: formulas.refresh ? refreshReadApi(readApi) : readApi,
  });
  const resumed = incremental ? undefined : fullRefreshResume(inputState, keys, reading);
  // start_date bounds what a stream with a cursor reads; one without is read whole.
  const from = formulas.refresh
    ? ctx.startDate
    : incremental
      ? incrementalLowerBound(inputCursor, ctx.startDate)
      : keys.cursor
        ? incrementalLowerBound(resumed?.cursor, ctx.startDate)
        : undefined;
  const mode = incremental
    ? `incremental on ${keys.cursor} from ${from ?? 'the beginning'}`
    : `${keys.cursor ? 'full refresh' : `full refresh only (${noCursorReason(keys)})`}${resumed ? `, resumed where the last run stopped (${resumed.cursor ?? resumed.afterId})` : ''}`;
  await sink.log('INFO', `${object}: ${mode}, ${selection.fields.length} fields.`);
  if (formulas.refresh) {
    await sink.log('INFO', `${object}: re-reading every record from ${from ?? 'the beginning'} for its formula fields, because ${formulas.reason}.`);
  }

  // A formula refresh delivers every record again, those an earlier run sent inside the look-back window too.
  const recent = formulas.refresh ? new RecentDeliveries() : RecentDeliveries.fromState(incremental || resumed ? inputState : undefined);
  const pages = new StreamCheckpoints(sink, incremental, incremental ? inputCursor : resumed?.cursor, recent, keys, resumed?.afterId);
  if (deletionsStart) pages.carried[DELETIONS_STATE_KEY] = deletionsStart;
  if (formulas.during) pages.carried[FORMULA_STATE_KEY] = formulas.during;
  const rest = restPageSource(client, object, selection.fields, choices, keys, sink.log);
  const windows: Window[] = [{ bounds: { from, ...(resumed?.afterId ? { after: { id: resumed.afterId } } : {}) } }];
  const order = new PageOrder(keys, () => client.orgClock.now());
  let badStamps = 0;
  let restarts = 0;
  let estimated = false;
  while (windows.length) {
    const { bounds: window, viaRest } = windows.shift()!;
    const startedAt = pages.position;
    try {
      for await (const page of (viaRest ? rest : source)(window)) {
        if (!estimated && page.estimate !== undefined) {
          estimated = true;
          await sink.estimate(page.estimate);
        }
        const problems = order.check(page.records, page.unordered);
        if (problems.length && badStamps === 0) {
          await sink.log(
            'WARN',
            `${object}: Salesforce sent record ${problems[0].id} without a valid ${keys.cursor} (${JSON.stringify(problems[0].value) ?? 'none'}; missing, not a date-time, or more than a day ahead); such records are delivered with ${keys.cursor} null and never move the saved cursor.`,
          );
        }
        badStamps += problems.length;
        await pages.page(page);
      }
    } catch (error) {
      const code = error instanceof SalesforceApiError ? error.errorCode : undefined;
      // Resume after the last record written in this window, if any.
      const resume: QueryBounds = pages.position !== startedAt && pages.position ? { ...window, after: pages.position } : window;
      if (code === 'QUERY_TIMEOUT' && keys.cursor) {
        // Split from the oldest change, not from the dawn of time: halves of empty years cost calls too.
        if (!resume.from && !resume.after) resume.from = await earliestChange(client, object, keys.cursor, choices.includeDeleted);
        const halves = splitWindow(resume, client.orgClock.now());
        if (!halves) throw error;
        await sink.log(
          'WARN',
          `${object}: Salesforce timed out on the window from ${resume.after?.stamp ?? resume.from ?? 'the beginning'} to ${resume.to ?? 'now'}; reading it in two halves.`,
        );
        windows.unshift(...halves.map((bounds) => ({ bounds })));
        continue;
      }
      if (error instanceof BulkJobFailedError && keys.cursor) {
        // A failed job delivered nothing of its window: split it, down to a width Bulk should manage, then use REST.
        if (!window.from && !window.after) window.from = await earliestChange(client, object, keys.cursor, choices.includeDeleted);
        const halves = splitWindow(window, client.orgClock.now(), client.settings.bulkMinWindowMs);
        const span = `the window from ${window.from ?? 'the beginning'} to ${window.to ?? 'now'}`;
        await sink.log(
          'WARN',
          `${object}: Salesforce's Bulk job ${bulkJobOutcome(error)} on ${span}; ${halves ? 'reading it in two halves' : 'reading it through REST instead'}.`,
        );
        windows.unshift(...(halves ? halves.map((bounds) => ({ bounds })) : [{ bounds: window, viaRest: true }]));
        continue;
      }
      if (code === 'INVALID_QUERY_LOCATOR' && keys.primaryKey && restarts++ < MAX_CURSOR_RESTARTS) {
        await sink.log('WARN', `${object}: Salesforce dropped the query cursor; continuing after the last record written.`);
        windows.unshift({ bounds: resume, viaRest });
        continue;
      }
      throw error instanceof SalesforceFailure ? error.in({ object, action: `read ${object}` }) : error;
    }
  }
  await pages.finish();
  if (badStamps > 1) await sink.log('WARN', `${object}: ${badStamps} records in all arrived without a valid ${keys.cursor}.`);
  if (formulas.after && formulas.after !== formulas.during) await pages.aside([], { [FORMULA_STATE_KEY]: formulas.after });
  if (deletionsStart && keys.cursor) {
    await readDeletions({ client, log: sink.log, object, cursor: keys.cursor, deliver: (records, carry) => pages.aside(records, carry) }, deletionsStart);
  }
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
