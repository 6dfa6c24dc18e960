/**
 * Reads one stream: describe, plan the read (read-plan.ts), read its windows page by page through
 * REST or Bulk (window-loop.ts, page-source.ts), handing the runtime a checkpoint after every page;
 * then record a finished formula refresh and list the deletions since the last run.
 */
import type { ConfiguredStream } from '../../runtime/configured-catalog.js';
import type { StreamSink } from '../../runtime/source.js';
import type { SalesforceClient } from '../api/client.js';
import type { CursorReading } from '../state/cursor.js';
import { RecentDeliveries } from '../state/recent-deliveries.js';
import { StreamCheckpoints } from './checkpoints.js';
import { readDeletions } from './deleted-records.js';
import { FORMULA_STATE_KEY } from './formula-refresh.js';
import { choosePageSource, restPageSource } from './page-source.js';
import type { ReadChoices } from './pages.js';
import { planRead, type ReadOptions } from './read-plan.js';
import { readWindows } from './window-loop.js';

export interface StreamReadContext extends ReadOptions {
  client: SalesforceClient;
  sink: StreamSink;
}

export async function readStream(ctx: StreamReadContext, stream: ConfiguredStream, reading: CursorReading, state?: Record<string, unknown>): Promise<void> {
  const { client, sink } = ctx;
  const object = stream.name;
  const describe = await client.describe(object);
  // The org's time, not ours: deletions_through is compared with Salesforce's deletion stamps (api/org-clock.ts).
  const plan = planRead({ stream, describe, reading, state, options: ctx, now: new Date(client.orgClock.now()).toISOString() });
  for (const note of plan.notes) await sink.log(note.level, note.message);
  const { keys, fields } = plan;

  const choices: ReadChoices = { includeDeleted: plan.includeDeleted };
  const source = choosePageSource({ client, log: sink.log, object, selected: fields, describe: describe.fields, choices, keys, readApi: plan.api });
  const rest = restPageSource(client, object, fields, choices, keys, sink.log);
  const recent = plan.skipRecent ? RecentDeliveries.fromState(state) : new RecentDeliveries();
  const pages = new StreamCheckpoints(sink, plan.incremental, plan.cursor, recent, keys, plan.afterId);
  Object.assign(pages.carried, plan.carried);
  await readWindows({ client, sink, object, keys, choices, source, rest, restOnly: plan.api === 'rest', pages }, plan.window);

  if (plan.formulasRefreshedAfter) await pages.aside([], { [FORMULA_STATE_KEY]: plan.formulasRefreshedAfter });
  if (plan.deletionsFrom && keys.cursor) {
    await readDeletions({ client, log: sink.log, object, cursor: keys.cursor, deliver: (records, carry) => pages.aside(records, carry) }, plan.deletionsFrom);
  }
}
