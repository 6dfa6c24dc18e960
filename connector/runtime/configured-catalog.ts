/**
 * Reads the --catalog file: which streams to read, in which sync mode, with which fields. Checked
 * first against the shape of Airbyte's ConfiguredAirbyteCatalog, then against what this source offers.
 */
import { ConfigError } from './errors.js';
import { readJsonFile } from './json-file.js';
import { describeSchemaError } from './schema-errors.js';
import type { ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';

export type SyncMode = 'full_refresh' | 'incremental';

export interface ConfiguredStream {
  name: string;
  syncMode: SyncMode;
  /** The catalog's cursor_field, when it sets one; the source checks it against the stream's cursor. */
  cursorField?: string[];
  /** Property names of the configured json_schema; undefined when the catalog gives none. */
  fields?: string[];
}

const CATALOG_SHAPE = {
  type: 'object',
  required: ['streams'],
  properties: {
    streams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stream', 'sync_mode'],
        properties: {
          stream: {
            type: 'object',
            required: ['name', 'json_schema'],
            properties: { name: { type: 'string' }, json_schema: { type: 'object' } },
          },
          sync_mode: { enum: ['full_refresh', 'incremental'] },
          cursor_field: { type: 'array', items: { type: 'string' } },
          destination_sync_mode: { type: 'string' },
        },
      },
    },
  },
} as const;

interface RawConfiguredStream {
  stream: { name: string; json_schema: { properties?: Record<string, unknown> } };
  sync_mode: SyncMode;
  cursor_field?: string[];
}

/** What the source offers: its stream names, or undefined when any name may be a stream (checked when it is read). */
export interface StreamOffer {
  streams?: readonly string[];
}

// Compiled once per process, like the spec in load-config.ts: a compile costs more than a check.
let compiledShape: ValidateFunction | undefined;

export function resolveCatalog(raw: unknown, path: string, offer: StreamOffer): ConfiguredStream[] {
  const { streams: offered } = offer;
  const role = `catalog file ${path}`;
  if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'CATALOG') {
    // The most common first mistake: passing what discover printed, which says nothing of sync modes.
    throw new ConfigError(
      `The ${role} is discover's output (a CATALOG message), not a configured catalog; build one that picks each stream's sync mode from it, as the README shows (configured_catalog.json).`,
    );
  }
  compiledShape ??= createAjv().compile(CATALOG_SHAPE);
  const validate = compiledShape;
  if (!validate(raw)) throw new ConfigError(describeSchemaError(role, validate.errors![0]));
  const streams = (raw as { streams: RawConfiguredStream[] }).streams;
  const seen = new Set<string>();
  return streams.map((entry, index): ConfiguredStream => {
    const name = entry.stream.name;
    if (offered && !offered.includes(name)) {
      throw new ConfigError(
        `The ${role} names the unknown stream '${name}' (streams.${index}); this source offers ${offered.join(', ')}. Run discover and rebuild the catalog.`,
      );
    }
    if (seen.has(name)) throw new ConfigError(`The ${role} lists the stream ${name} twice; keep one entry.`);
    seen.add(name);
    const cursor = entry.cursor_field;
    const properties = entry.stream.json_schema.properties;
    return {
      name,
      syncMode: entry.sync_mode,
      cursorField: cursor && cursor.length > 0 ? cursor : undefined,
      fields: properties ? Object.keys(properties) : undefined,
    };
  });
}

export async function loadCatalog(path: string, offer: StreamOffer): Promise<ConfiguredStream[]> {
  return resolveCatalog(await readJsonFile(path, 'catalog'), path, offer);
}
