/**
 * Reads one stream: describe, select fields, then read its SystemModstamp window page by page
 * through REST (or Bulk, see page-source.ts), writing a STATE after every page. When Salesforce
 * times out on a window it is split in two; when it drops a query cursor the read resumes right
 * after the last record written. Either way no record is skipped or repeated within the run.
 */
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import { SalesforceApiError, SalesforceFailure } from '../api/failures.js';
import type { ProtocolWriter } from '../../runtime/writer.js';
import type { SalesforceClient } from '../api/client.js';
import { earliestChangeQuery, type QueryBounds } from '../soql.js';
import { CURSOR_FIELD } from '../objects.js';
import { incrementalLowerBound } from '../state/cursor.js';
import { selectFields } from './field-selection.js';
import { PageWriter } from './page-writer.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';
import { normalizeDateTime } from './record-shaper.js';
import { choosePageSource, type PageSource, type ReadApi } from './page-source.js';
import { PageOrder } from './page-order.js';
import { splitWindow } from './windows.js';
import { estimateMessage } from '../../runtime/messages.js';
import type { ProgressDisplay } from '../../runtime/progress.js';

export interface StreamReadContext {
  client: SalesforceClient;
  writer: ProtocolWriter;
  startDate?: string;
  progress?: ProgressDisplay;
  readApi?: ReadApi;
}

export interface StreamReadResult {
  records: number;
  cursor?: string;
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
): Promise<StreamReadResult> {
  const { client, writer } = ctx;
  const object = stream.name;
  const describe = await client.describe(object);
  const selection = selectFields(describe, stream.fields, object);
  if (selection.dropped.length) {
    const verb = selection.dropped.length === 1 ? 'is' : 'are';
    await writer.log(
      'WARN',
      `${object}: ${selection.dropped.join(', ')} ${verb} in the catalog but no longer readable (deleted, or hidden by field-level security); left out of this sync. Run discover to refresh the schema.`,
    );
  }
  const incremental = stream.syncMode === 'incremental';
  const source: PageSource = choosePageSource({
    client,
    writer,
    object,
    selected: selection.fields,
    describe: describe.fields,
    includeDeleted: incremental,
    readApi: ctx.readApi ?? 'auto',
  });
  const from = incremental ? incrementalLowerBound(inputCursor, ctx.startDate) : ctx.startDate;
  await writer.log('INFO', `${object}: ${incremental ? `incremental from ${from ?? 'the beginning'}` : 'full refresh'}, ${selection.fields.length} fields.`);

  const pages = new PageWriter(writer, object, incremental, inputCursor, RecentDeliveries.fromState(inputState));
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
          await writer.write(estimateMessage(object, page.estimate));
          ctx.progress?.update(object, { estimate: page.estimate });
        }
        const problems = order.check(page.records);
        if (problems.length && badStamps === 0) {
          await writer.log(
            'WARN',
            `${object}: Salesforce sent record ${problems[0].id} without a valid SystemModstamp (${JSON.stringify(problems[0].value) ?? 'none'}); such records are delivered with SystemModstamp null and never move the saved cursor.`,
          );
        }
        badStamps += problems.length;
        await pages.writePage(page.records);
        ctx.progress?.update(object, { records: pages.records });
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
        await writer.log('WARN', `${object}: Salesforce timed out on the window from ${resume.after?.stamp ?? resume.from ?? 'the beginning'} to ${resume.to ?? 'now'}; reading it in two halves.`);
        windows.unshift(...halves);
        continue;
      }
      if (code === 'INVALID_QUERY_LOCATOR' && restarts++ < MAX_CURSOR_RESTARTS) {
        await writer.log('WARN', `${object}: Salesforce dropped the query cursor; continuing after the last record written.`);
        windows.unshift(resume);
        continue;
      }
      throw error instanceof SalesforceFailure ? error.in({ object, action: `read ${object}` }) : error;
    }
  }
  if (badStamps > 1) await writer.log('WARN', `${object}: ${badStamps} records in all arrived without a valid SystemModstamp.`);
  return { records: pages.records, cursor: pages.cursor };
}
