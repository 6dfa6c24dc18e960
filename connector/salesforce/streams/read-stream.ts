/**
 * Reads one stream: describe, select fields, then read its SystemModstamp window page by page
 * through REST (or Bulk, see page-source.ts), handing the runtime a checkpoint after every page. When Salesforce
 * times out on a window it is split in two; when it drops a query cursor the read resumes right
 * after the last record written. Either way no record is skipped or repeated within the run.
 */
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import { SalesforceApiError, SalesforceFailure } from '../api/failures.js';
import type { SalesforceClient } from '../api/client.js';
import { earliestChangeQuery, type QueryBounds } from '../soql.js';
import { CURSOR_FIELD } from '../objects.js';
import { incrementalLowerBound } from '../state/cursor.js';
import { selectFields } from './field-selection.js';
import { StreamCheckpoints } from './checkpoints.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';
import { normalizeDateTime } from './record-shaper.js';
import { choosePageSource, type ReadApi } from './page-source.js';
import type { PageSource } from './pages.js';
import { PageOrder } from './page-order.js';
import { splitWindow } from './windows.js';
import type { StreamSink } from '../../runtime/source.js';
import { DEFAULTS } from '../defaults.js';

export interface StreamReadContext {
  client: SalesforceClient;
  sink: StreamSink;
  startDate?: string;
  readApi?: ReadApi;
}

const MAX_CURSOR_RESTARTS = 5;

async function earliestChange(client: SalesforceClient, object: string, includeDeleted: boolean): Promise<string | undefined> {
  for await (const page of client.query(earliestChangeQuery(object), { object, includeDeleted })) {
    const stamp = page.records[0]?.[CURSOR_FIELD];
    return typeof stamp === 'string' ? normalizeDateTime(stamp) : undefined;
  }
  return undefined;
}

export async function readStream(
  ctx: StreamReadContext,
  stream: ConfiguredStream,
  inputCursor: string | undefined,
  inputState?: Record<string, unknown>,
): Promise<void> {
  const { client, sink } = ctx;
  const object = stream.name;
  const describe = await client.describe(object);
  const selection = selectFields(describe, stream.fields, object);
  if (selection.dropped.length) {
    const verb = selection.dropped.length === 1 ? 'is' : 'are';
    await sink.log(
      'WARN',
      `${object}: ${selection.dropped.join(', ')} ${verb} in the catalog but no longer readable (deleted, or hidden by field-level security); left out of this sync. Run discover to refresh the schema.`,
    );
  }
  const incremental = stream.syncMode === 'incremental';
  const source: PageSource = choosePageSource({
    client,
    log: sink.log,
    object,
    selected: selection.fields,
    describe: describe.fields,
    includeDeleted: incremental,
    readApi: ctx.readApi ?? DEFAULTS.readApi,
  });
  const from = incremental ? incrementalLowerBound(inputCursor, ctx.startDate) : ctx.startDate;
  await sink.log('INFO', `${object}: ${incremental ? `incremental from ${from ?? 'the beginning'}` : 'full refresh'}, ${selection.fields.length} fields.`);

  const pages = new StreamCheckpoints(sink, incremental, inputCursor, RecentDeliveries.fromState(inputState));
  const windows: QueryBounds[] = [{ from }];
  const order = new PageOrder();
  let badStamps = 0;
  let restarts = 0;
  let estimated = false;
  while (windows.length) {
    const window = windows.shift()!;
    const startedAt = pages.position;
    try {
      for await (const page of source(window)) {
        if (!estimated && page.estimate !== undefined) {
          estimated = true;
          await sink.estimate(page.estimate);
        }
        const problems = order.check(page.records);
        if (problems.length && badStamps === 0) {
          await sink.log(
            'WARN',
            `${object}: Salesforce sent record ${problems[0].id} without a valid SystemModstamp (${JSON.stringify(problems[0].value) ?? 'none'}; missing, not a date-time, or more than a day ahead); such records are delivered with SystemModstamp null and never move the saved cursor.`,
          );
        }
        badStamps += problems.length;
        await pages.page(page.records, page.encoding);
      }
    } catch (error) {
      const code = error instanceof SalesforceApiError ? error.errorCode : undefined;
      // Resume after the last record written in this window, if any.
      const resume: QueryBounds = pages.position !== startedAt && pages.position ? { ...window, after: pages.position } : window;
      if (code === 'QUERY_TIMEOUT') {
        // Split from the oldest change, not from the dawn of time: halves of empty years cost calls too.
        if (!resume.from && !resume.after) resume.from = await earliestChange(client, object, incremental);
        const halves = splitWindow(resume, Date.now());
        if (!halves) throw error;
        await sink.log(
          'WARN',
          `${object}: Salesforce timed out on the window from ${resume.after?.stamp ?? resume.from ?? 'the beginning'} to ${resume.to ?? 'now'}; reading it in two halves.`,
        );
        windows.unshift(...halves);
        continue;
      }
      if (code === 'INVALID_QUERY_LOCATOR' && restarts++ < MAX_CURSOR_RESTARTS) {
        await sink.log('WARN', `${object}: Salesforce dropped the query cursor; continuing after the last record written.`);
        windows.unshift(resume);
        continue;
      }
      throw error instanceof SalesforceFailure ? error.in({ object, action: `read ${object}` }) : error;
    }
  }
  if (badStamps > 1) await sink.log('WARN', `${object}: ${badStamps} records in all arrived without a valid SystemModstamp.`);
}
