/** Configured catalogs read for a few fields of each stream. */
import type { Message } from './run-result.js';

/**
 * The configured catalog with each stream's schema cut down to the named fields it has (the
 * connector queries the fields its schema lists). For tests about pages, calls, sessions or faults,
 * not columns: a full-width record (54 fields for Account) costs every read several times more.
 */
export function withFields(catalog: Message, fields: readonly string[]): Message {
  return {
    streams: catalog.streams.map((entry: Message) => {
      const { properties } = entry.stream.json_schema as { properties: Record<string, unknown> };
      const kept = Object.fromEntries(Object.entries(properties).filter(([name]) => fields.includes(name)));
      return { ...entry, stream: { ...entry.stream, json_schema: { ...entry.stream.json_schema, properties: kept } } };
    }),
  };
}
