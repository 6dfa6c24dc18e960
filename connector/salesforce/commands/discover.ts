/**
 * `discover`: one stream per selected object, its schema built from this org's describe so that
 * custom fields appear and fields hidden by field-level security do not, and its cursor and primary
 * key chosen from the same describe (objects.ts). Describes go out 25 to a call (describe-batch.ts).
 */
import type { AirbyteCatalog, AirbyteStream } from '../../../generated/protocol.js';
import type { ResolvedConfig } from '../config/load-config.js';
import type { Redactor } from '../../runtime/redactor.js';
import type { Log, PersistConfig } from '../../runtime/source.js';
import { SalesforceClient } from '../api/client.js';
import { describeFailure } from '../api/describe-failure.js';
import type { DescribeResult } from '../api/types.js';
import { describeObjects } from '../catalog/describe-batch.js';
import { everyObject, resolveObjects } from '../catalog/org-objects.js';
import type { Settings } from '../settings.js';
import { RetryLog } from './retry-log.js';
import { streamSchema } from '../schema/field-mapping.js';
import { selectFields } from '../streams/field-selection.js';
import { DELETED_AT_FIELD, listsDeletions } from '../streams/deleted-records.js';

/** Hears how many objects are described so far (a terminal's progress line). */
export type DiscoverProgress = (done: number, total: number) => void;

export function catalogStream(object: string, describe: DescribeResult): AirbyteStream {
  const { keys } = selectFields(describe, undefined, object); // fails early when Id or SystemModstamp of the six is hidden
  const stream: AirbyteStream = {
    name: object,
    json_schema: streamSchema(describe),
    supported_sync_modes: keys.cursor ? ['full_refresh', 'incremental'] : ['full_refresh'],
    source_defined_cursor: keys.cursor !== undefined,
    is_resumable: keys.primaryKey !== undefined,
  };
  // Deletion records (deleted-records.ts) carry the deletion time there; dedup destinations drop the record.
  if (keys.cursor && keys.primaryKey && listsDeletions(describe)) {
    (stream.json_schema.properties as Record<string, unknown>)[DELETED_AT_FIELD] = {
      type: ['null', 'string'],
      format: 'date-time',
      airbyte_type: 'timestamp_with_timezone',
    };
  }
  if (keys.cursor) stream.default_cursor_field = [keys.cursor];
  if (keys.primaryKey) stream.source_defined_primary_key = [[keys.primaryKey]];
  return stream;
}

export async function discoverStreams(
  config: ResolvedConfig,
  log: Log,
  redactor: Redactor,
  settings: Settings,
  persistConfig?: PersistConfig,
  progress?: DiscoverProgress,
): Promise<AirbyteCatalog> {
  const client = new SalesforceClient(config, redactor, settings, { onRetry: new RetryLog(log).note }, persistConfig);
  const every = everyObject(config.objects);
  const objects = await resolveObjects(client, config.objects, log);
  const streams: AirbyteStream[] = [];
  const skipped: string[] = [];
  for (const described of await describeObjects(client, objects, config.numWorkers, progress)) {
    try {
      if ('error' in described) throw described.error;
      streams.push(catalogStream(described.object, described.describe));
    } catch (error) {
      // A named object that fails is the operator's to fix; one of "*" is left out, and said so.
      if (!every) throw error;
      skipped.push(`${described.object} (${describeFailure(error).message})`);
    }
  }
  if (skipped.length) await log('WARN', `Left out of "*" because Salesforce would not describe them: ${skipped.join('; ')}.`);
  await log('INFO', `Discovered ${streams.length} streams with ${client.apiCalls} API calls.`);
  return { streams };
}
