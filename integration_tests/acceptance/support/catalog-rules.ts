/**
 * The acceptance suite's rules for a discovered catalog and for the records a read returns, as pure
 * functions returning readable problems. rules.test.ts proves each rule fires on a bad input.
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { testAjv } from '../../helpers/test-ajv.js';
import type { Json } from './fixtures.js';
import { additionalPropertiesProblems, forbiddenKeywordProblems } from './spec-rules.js';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const typesOf = (schema: Json): string[] => (Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type]);

/** The schema at a field path (["a","b"] is properties.a.properties.b), or undefined. */
export function schemaAt(jsonSchema: Json, fieldPath: readonly string[]): Json | undefined {
  let node: Json | undefined = jsonSchema;
  for (const part of fieldPath) {
    const props: unknown = node?.properties;
    node = isObject(props) && isObject(props[part]) ? (props[part] as Json) : undefined;
  }
  return node;
}

export function draft07Problems(jsonSchema: Json, where: string): string[] {
  const ajv = testAjv({ strict: false });
  if (!ajv.validateSchema(jsonSchema)) return [`${where}: not a valid draft-07 schema: ${ajv.errorsText(ajv.errors)}`];
  try {
    ajv.compile(jsonSchema);
  } catch (error) {
    return [`${where}: does not compile: ${(error as Error).message}`];
  }
  return [];
}

export function catalogProblems(catalog: Json): string[] {
  const problems: string[] = [];
  const streams: Json[] = Array.isArray(catalog?.streams) ? catalog.streams : [];
  if (!streams.length) return ['the catalog has no streams'];
  const names = streams.map((s) => s.name);
  if (new Set(names).size !== names.length) problems.push(`stream names are not unique: ${names.join(', ')}`);
  for (const stream of streams) {
    const where = `stream ${stream.name}`;
    const schema: Json = stream.json_schema;
    if (!isObject(schema)) {
      problems.push(`${where}: json_schema is missing`);
      continue;
    }
    problems.push(...draft07Problems(schema, where));
    problems.push(...forbiddenKeywordProblems(schema, ['$ref', 'allOf', 'not']).map((p) => `${where}: ${p}`));
    problems.push(...additionalPropertiesProblems(schema).map((p) => `${where}: ${p}`));
    if (!Array.isArray(stream.supported_sync_modes) || !stream.supported_sync_modes.length) problems.push(`${where}: supported_sync_modes is empty`);
    const cursor: unknown = stream.default_cursor_field;
    if (Array.isArray(cursor) && cursor.length && !schemaAt(schema, cursor))
      problems.push(`${where}: default_cursor_field ${JSON.stringify(cursor)} is not in properties`);
    if (stream.supported_sync_modes?.includes('incremental') && !(stream.source_defined_cursor || (Array.isArray(cursor) && cursor.length))) {
      problems.push(`${where}: incremental without a cursor`);
    }
    for (const keyPath of (stream.source_defined_primary_key ?? []) as string[][]) {
      const field = schemaAt(schema, keyPath);
      if (!field) problems.push(`${where}: primary key ${JSON.stringify(keyPath)} is not in properties`);
      else if (typesOf(field).some((t) => t === 'object' || t === 'array'))
        problems.push(`${where}: primary key ${JSON.stringify(keyPath)} is an object or array`);
    }
  }
  return problems;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/;

/**
 * Integers are strict in Airbyte's suite (Python reads `1.0` as a float). A JavaScript number with no
 * fraction is always printed without `.0`, so the one way to fail is a value beyond 2^53, which
 * prints in exponent form (1e+21) or loses its last digits.
 */
function strictIntegerProblems(value: unknown, schema: Json | undefined, path: string): string[] {
  if (!schema || value === null || value === undefined) return [];
  if (typesOf(schema).includes('integer') && typeof value === 'number' && !Number.isSafeInteger(value)) {
    return [`${path} = ${value} is not an exact integer`];
  }
  if (isObject(value) && isObject(schema.properties)) {
    return Object.entries(value).flatMap(([k, v]) => strictIntegerProblems(v, schema.properties[k], `${path}.${k}`));
  }
  return [];
}

function dateTimeProblems(value: unknown, schema: Json | undefined, path: string): string[] {
  if (!schema || value === null || value === undefined) return [];
  if (schema.format === 'date-time' && typeof value === 'string' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
    return [`${path} = ${JSON.stringify(value)} is not a date-time`];
  }
  if (isObject(value) && isObject(schema.properties)) {
    return Object.entries(value).flatMap(([k, v]) => dateTimeProblems(v, schema.properties[k], `${path}.${k}`));
  }
  return [];
}

export interface RecordChecker {
  (data: Json): string[];
}

// One ajv for every stream's record schema: a new one compiles the draft-07 meta-schema again first.
let recordAjv: Ajv | undefined;

/** Checks one stream's records: schema, strict integers, date-times, shared fields, primary key. */
export function recordChecker(stream: Json, options: { failOnExtraColumns?: boolean } = {}): RecordChecker {
  const ajv = (recordAjv ??= testAjv({ strict: false, allErrors: true }));
  const validate: ValidateFunction = ajv.compile(stream.json_schema);
  const properties: Json = stream.json_schema.properties ?? {};
  const keyPaths: string[][] = stream.source_defined_primary_key ?? [];
  return (data) => {
    const problems: string[] = [];
    if (!validate(data)) problems.push(`schema: ${ajv.errorsText(validate.errors)}`);
    problems.push(...strictIntegerProblems(data, stream.json_schema, 'data'), ...dateTimeProblems(data, stream.json_schema, 'data'));
    const keys = Object.keys(data);
    if (!keys.some((k) => k in properties)) problems.push('shares no field with its schema');
    if (options.failOnExtraColumns) {
      const extra = keys.filter((k) => !(k in properties));
      if (extra.length) problems.push(`has columns the schema lacks: ${extra.join(', ')}`);
    }
    if (keyPaths.length) {
      const values = keyPaths.map((p) => p.reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), data));
      if (values.some((v) => typeof v === 'object' && v !== null)) problems.push('a primary key value is a list or object');
      if (values.every((v) => v === null || v === undefined)) problems.push('every primary key part is null');
    }
    return problems;
  };
}
