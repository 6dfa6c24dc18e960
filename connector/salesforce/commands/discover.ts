/**
 * `discover`: one stream per selected object, its schema built from this org's describe so that
 * custom fields appear and fields hidden by field-level security do not.
 */
import type { AirbyteCatalog, AirbyteStream } from '../../../generated/protocol.js';
import type { ResolvedConfig } from '../config/load-config.js';
import { CURSOR_FIELD, PRIMARY_KEY } from '../objects.js';
import type { Redactor } from '../../runtime/redactor.js';
import type { Log, PersistConfig } from '../../runtime/source.js';
import { SalesforceClient } from '../api/client.js';
import type { Settings } from '../settings.js';
import { RetryLog } from './retry-log.js';
import { streamSchema } from '../schema/field-mapping.js';
import { selectFields } from '../streams/field-selection.js';

export async function discoverStreams(
  config: ResolvedConfig,
  log: Log,
  redactor: Redactor,
  settings: Settings,
  persistConfig?: PersistConfig,
): Promise<AirbyteCatalog> {
  const client = new SalesforceClient(config, redactor, settings, new RetryLog(log).note, persistConfig);
  const streams: AirbyteStream[] = [];
  for (const object of config.objects) {
    const describe = await client.describe(object);
    selectFields(describe, undefined, object); // fails early when Id or SystemModstamp is hidden
    streams.push({
      name: object,
      json_schema: streamSchema(describe),
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: [CURSOR_FIELD],
      source_defined_primary_key: [[PRIMARY_KEY]],
      is_resumable: true,
    });
  }
  return { streams };
}
