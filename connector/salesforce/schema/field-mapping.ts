/**
 * Salesforce field types to JSON Schema. Every field is nullable: field-level security, record types
 * and formula results can all yield null, and a non-null promise that breaks fails a destination.
 */
import type { DescribeField, DescribeResult } from '../api/types.js';

export type JsonSchema = Record<string, unknown>;

const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: ['null', type], ...extra });

const ADDRESS_SCHEMA: JsonSchema = nullable('object', {
  properties: {
    street: nullable('string'),
    city: nullable('string'),
    state: nullable('string'),
    postalCode: nullable('string'),
    country: nullable('string'),
    latitude: nullable('number'),
    longitude: nullable('number'),
    geocodeAccuracy: nullable('string'),
  },
});

const LOCATION_SCHEMA: JsonSchema = nullable('object', {
  properties: { latitude: nullable('number'), longitude: nullable('number') },
});

/**
 * Types a query cannot return inline (base64 bodies come back as a URL to fetch one by one) are
 * left out of schemas and queries.
 */
const UNSUPPORTED_TYPES = new Set(['base64']);

export function isSupportedField(field: DescribeField): boolean {
  return !UNSUPPORTED_TYPES.has(field.type);
}

export function fieldSchema(field: DescribeField): JsonSchema {
  switch (field.type) {
    case 'datetime':
      return nullable('string', { format: 'date-time', airbyte_type: 'timestamp_with_timezone' });
    case 'date':
      return nullable('string', { format: 'date' });
    case 'time':
      return nullable('string', { format: 'time', airbyte_type: 'time_with_timezone' });
    case 'int':
    case 'long':
      return nullable('integer');
    case 'double':
    case 'currency':
    case 'percent':
      return nullable('number');
    case 'boolean':
      return nullable('boolean');
    case 'address':
      return structuredClone(ADDRESS_SCHEMA);
    case 'location':
      return structuredClone(LOCATION_SCHEMA);
    default:
      return nullable('string');
  }
}

/** What a formula field's schema says of it: an incremental sync alone can keep an old value. */
export const FORMULA_DESCRIPTION =
  "A formula field: its value can change without the record's cursor (SystemModstamp) changing, so incremental syncs can keep an old value; set formula_refresh_hours to re-read it on a schedule.";

/** The stream's json_schema: every readable field of the object's describe, in describe order. */
export function streamSchema(describe: DescribeResult): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of describe.fields) {
    if (!isSupportedField(field)) continue;
    properties[field.name] = fieldSchema(field);
    if (field.calculated === true) properties[field.name].description = FORMULA_DESCRIPTION;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: true,
    properties,
  };
}
