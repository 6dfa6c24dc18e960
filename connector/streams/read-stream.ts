/**
 * Reads one stream: describe, select fields, page through the query, and write records and a STATE
 * after every page. A STATE is written only after the records it covers, so any STATE a killed
 * sync printed is safe to resume from.
 */
import { streamStateMessage, streamStatusMessage } from '../protocol/messages.js';
import type { ProtocolWriter } from '../protocol/writer.js';
import type { SalesforceClient } from '../salesforce/client.js';
import { CURSOR_FIELD } from '../objects.js';
import { fullRefreshQuery, incrementalQuery } from '../soql.js';
import type { ConfiguredStream } from '../catalog/configured-catalog.js';
import { incrementalLowerBound, laterOf } from '../state/cursor.js';
import { selectFields } from './field-selection.js';
import { createRecordShaper } from './record-shaper.js';

export interface StreamReadContext {
  client: SalesforceClient;
  writer: ProtocolWriter;
  startDate?: string;
}

export interface StreamReadResult {
  records: number;
  cursor?: string;
}

export async function readStream(ctx: StreamReadContext, stream: ConfiguredStream, inputCursor: string | undefined): Promise<StreamReadResult> {
  const { client, writer } = ctx;
  const object = stream.name;
  const describe = await client.describe(object);
  const selection = selectFields(describe, stream.fields, object);
  if (selection.dropped.length) {
    await writer.log(
      'WARN',
      `${object}: ${selection.dropped.join(', ')} ${selection.dropped.length === 1 ? 'is' : 'are'} in the catalog but no longer readable (deleted, or hidden by field-level security); left out of this sync. Run discover to refresh the schema.`,
    );
  }
  const names = selection.fields.map((f) => f.name);
  const shape = createRecordShaper(selection.fields);
  const incremental = stream.syncMode === 'incremental';
  const from = incremental ? incrementalLowerBound(inputCursor, ctx.startDate) : ctx.startDate;
  const soql = incremental ? incrementalQuery(object, names, from) : fullRefreshQuery(object, names, ctx.startDate);
  await writer.log('INFO', `${object}: ${incremental ? `incremental from ${from ?? 'the beginning'}` : 'full refresh'}, ${names.length} fields.`);

  let cursor = incremental ? inputCursor : undefined;
  let total = 0;
  let running = false;
  for await (const page of client.query(soql, { object, includeDeleted: incremental })) {
    if (!running) {
      await writer.write(streamStatusMessage(object, 'RUNNING'));
      running = true;
    }
    const records = page.records.map(shape);
    await writer.writeRecords(object, records, Date.now());
    total += records.length;
    if (incremental && records.length) cursor = laterOf(cursor, records[records.length - 1][CURSOR_FIELD] as string);
    await writer.write(streamStateMessage(object, incremental && cursor ? { [CURSOR_FIELD]: cursor } : {}, records.length));
  }
  return { records: total, cursor };
}
