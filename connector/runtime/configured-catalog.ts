/**
 * Reads the --catalog file: which streams to read, in which sync mode, with which fields. Checked
 * first against the shape of Airbyte's ConfiguredAirbyteCatalog, then against what this source offers.
 */
import { ConfigError } from './errors.js';
import { parseJsonText, readTextFile } from './json-file.js';
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
  /** The catalog's own spelling, when it differs from the source's (`account` for Account). */
  catalogName?: string;
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

/**
 * What the source offers: its stream names, or undefined when any name may be a stream (checked when
 * it is read). Names are matched whatever their case; a stream named in another case than one of
 * `spelled` (the source's own spelling) takes that spelling, any other keeps the catalog's.
 */
export interface StreamOffer {
  streams?: readonly string[];
  spelled?: readonly string[];
}

// Compiled once per process, like the spec in load-config.ts: a compile costs more than a check.
let compiledShape: ValidateFunction | undefined;

export function resolveCatalog(raw: unknown, path: string, offer: StreamOffer): ConfiguredStream[] {
  const { streams: offered, spelled = [] } = offer;
  const lower = (name: string) => name.toLowerCase();
  const role = `catalog file ${path}`;
  // The most common first mistake: passing what discover printed (the CATALOG message, or the catalog inside it).
  if (isCatalogMessage(raw) || isDiscoveredCatalog(raw)) throw discoverOutputError(path);
  // Another file given as --catalog (the config, with --config and --catalog swapped; a state), which "add streams" would not fix.
  if (!isObject(raw) || !('streams' in raw)) {
    throw new ConfigError(
      `The ${role} is no configured catalog (it has no 'streams': the config or a state given as --catalog?); pass the configured catalog built from discover's output.`,
    );
  }
  compiledShape ??= createAjv().compile(CATALOG_SHAPE);
  const validate = compiledShape;
  if (!validate(raw)) throw new ConfigError(describeSchemaError(role, validate.errors![0]));
  const streams = (raw as { streams: RawConfiguredStream[] }).streams;
  const seen = new Set<string>();
  return streams.map((entry, index): ConfiguredStream => {
    const given = entry.stream.name;
    const name = spelled.find((s) => lower(s) === lower(given)) ?? given;
    if (offered && !offered.some((o) => lower(o) === lower(name))) {
      throw new ConfigError(
        `The ${role} names the unknown stream '${given}' (streams.${index}); this source offers ${offered.join(', ')}. Run discover and rebuild the catalog.`,
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
      ...(name !== given ? { catalogName: given } : {}),
    };
  });
}

export async function loadCatalog(path: string, offer: StreamOffer): Promise<ConfiguredStream[]> {
  const text = await readTextFile(path, 'catalog');
  let raw: unknown;
  try {
    raw = parseJsonText(text, path, 'catalog');
  } catch (error) {
    // discover prints a LOG line before its CATALOG: its output saved whole is lines, not one document.
    if (text.split('\n').some((line) => isCatalogMessage(parseLine(line)))) throw discoverOutputError(path);
    throw error;
  }
  return resolveCatalog(raw, path, offer);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isCatalogMessage = (value: unknown): boolean => isObject(value) && value.type === 'CATALOG';

/** An AirbyteCatalog (what a CATALOG message holds): its streams carry a name where a configured one carries a stream. */
const isDiscoveredCatalog = (value: unknown): boolean =>
  isObject(value) &&
  Array.isArray(value.streams) &&
  value.streams.length > 0 &&
  value.streams.every((s) => isObject(s) && typeof s.name === 'string' && s.stream === undefined);

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function discoverOutputError(path: string): ConfigError {
  return new ConfigError(
    `The catalog file ${path} is discover's output, not a configured catalog: build one that sets each stream's sync mode, {"streams": [{"stream": <a stream of the CATALOG message>, "sync_mode": "incremental" or "full_refresh", "destination_sync_mode": "append_dedup"}, …]}, as the README's line after discover does (configured_catalog.json).`,
  );
}
