/**
 * The acceptance rules are only worth their green ticks if they can fail: each rule is shown to fire
 * on a small bad example.
 */
import { describe, expect, it } from '@jest/globals';
import { catalogProblems, recordChecker } from './support/catalog-rules.js';
import { advancedAuthProblems, specProblems } from './support/spec-rules.js';
import type { Json } from './support/fixtures.js';

const spec = (properties: Json, extra: Json = {}): Json => ({ type: 'object', properties, ...extra });

describe('spec rules', () => {
  it('accept a clean spec', () => {
    expect(specProblems(spec({ client_secret: { type: 'string', airbyte_secret: true, order: 0 }, name: { type: 'string', order: 1 } }))).toEqual([]);
  });

  it.each<[string, Json, RegExp]>([
    ['forbidden $ref', spec({ a: { $ref: '#/x' } }), /forbidden keyword '\$ref'/],
    ['forbidden allOf', spec({ a: { allOf: [{ type: 'string' }] } }), /'allOf'/],
    ['forbidden not', spec({ a: { not: { type: 'string' } } }), /'not'/],
    ['forbidden if/then', spec({ a: { if: { type: 'string' }, then: { type: 'string' } } }), /'if'/],
    ['forbidden patternProperties', spec({ a: { type: 'object', properties: { b: { type: 'string' } }, patternProperties: {} } }), /patternProperties/],
    ['unmarked secret', spec({ client_secret: { type: 'string' } }), /lacks airbyte_secret/],
    [
      'secret on an object',
      spec({ credentials: { type: 'object', airbyte_secret: true, properties: { a: { type: 'string' } } } }),
      /must not be airbyte_secret/,
    ],
    ['duplicate enum values', spec({ a: { type: 'string', enum: ['x', 'x'] } }), /duplicate values/],
    ['type array with null first', spec({ a: { type: ['null', 'string'] } }), /second "null"/],
    ['type array of three', spec({ a: { type: ['string', 'integer', 'null'] } }), /one or two entries/],
    ['nested object without properties', spec({ a: { type: 'object' } }), /needs properties or oneOf/],
    ['array of arrays', spec({ a: { type: 'array', items: { type: 'array' } } }), /array items/],
    ['date-time without pattern', spec({ a: { type: 'string', format: 'date-time' } }), /should come with a pattern/],
    ['duplicate order', spec({ a: { type: 'string', order: 1 }, b: { type: 'string', order: 1 } }), /order 1 is used twice/],
    ['group below the top level', spec({ a: { type: 'object', properties: { b: { type: 'string', group: 'g' } } } }), /group is allowed only/],
    ['display_type without oneOf', spec({ a: { type: 'string', display_type: 'radio' } }), /display_type/],
    ['additionalProperties false', spec({ a: { type: 'string' } }, { additionalProperties: false }), /additionalProperties/],
    [
      'oneOf without a const discriminator',
      spec({ auth: { type: 'object', oneOf: [{ properties: { a: { type: 'string' } } }, { properties: { a: { type: 'string' } } }] } }),
      /exactly one shared property/,
    ],
    [
      'oneOf under a non-object',
      spec({ auth: { type: 'string', oneOf: [{ properties: { t: { const: 'a' } } }, { properties: { t: { const: 'b' } } }] } }),
      /must be type object/,
    ],
    [
      'oneOf default unlike its const',
      spec({ auth: { type: 'object', oneOf: [{ properties: { t: { const: 'a', default: 'b' } } }, { properties: { t: { const: 'b' } } }] } }),
      /default differs/,
    ],
  ])('catch %s', (_what, schema, problem) => {
    expect(specProblems(schema).join('\n')).toMatch(problem);
  });

  it('accept a well-formed oneOf', () => {
    const auth = {
      type: 'object',
      oneOf: [{ properties: { t: { const: 'a' }, key: { type: 'string', airbyte_secret: true } } }, { properties: { t: { const: 'b' } } }],
    };
    expect(specProblems(spec({ auth }))).toEqual([]);
  });
});

describe('advanced_auth rules', () => {
  const branch = (type: string, fields: string[]): Json => ({
    type: 'object',
    required: ['auth_type', ...fields],
    properties: { auth_type: { type: 'string', const: type }, ...Object.fromEntries(fields.map((f) => [f, { type: 'string' }])) },
  });
  const nested = (extra: Json = {}): Json => ({
    connectionSpecification: spec(
      { host: { type: 'string' }, credentials: { type: 'object', oneOf: [branch('key', ['api_key']), branch('oauth', ['client_id', 'refresh_token'])] } },
      { required: ['host', 'credentials'] },
    ),
    advanced_auth: {
      auth_flow_type: 'oauth2.0',
      predicate_key: ['credentials', 'auth_type'],
      predicate_value: 'oauth',
      oauth_config_specification: {
        complete_oauth_output_specification: { properties: { refresh_token: { path_in_connector_config: ['credentials', 'refresh_token'] } } },
        complete_oauth_server_output_specification: { properties: { client_id: { path_in_connector_config: ['credentials', 'client_id'] } } },
        oauth_user_input_from_connector_config_specification: { properties: { host: { path_in_connector_config: ['host'] } } },
      },
      ...extra,
    },
  });
  const output = (path: string[]): Json => ({
    oauth_config_specification: { complete_oauth_output_specification: { properties: { refresh_token: { path_in_connector_config: path } } } },
  });

  it('accept a predicate inside a required oneOf, and paths into its branch', () => {
    expect(advancedAuthProblems(nested())).toEqual([]);
  });

  it.each<[string, Json, RegExp]>([
    ['a predicate_value no branch has', nested({ predicate_value: 'password' }), /has 0 fields that predicate_value "password" selects/],
    ['a path to no field', nested(output(['credentials', 'token'])), /complete_oauth_output_specification\.refresh_token points at credentials\.token/],
    ['a path into another branch', nested(output(['credentials', 'api_key'])), /in the branch predicate_value selects/],
    [
      'a predicate under "Optional fields" (an optional flat enum, as before the credentials oneOf)',
      {
        connectionSpecification: spec({ auth_type: { type: 'string', enum: ['key', 'oauth'] }, refresh_token: { type: 'string' } }),
        advanced_auth: { predicate_key: ['auth_type'], predicate_value: 'oauth', ...output(['refresh_token']) },
      },
      /is under "Optional fields"/,
    ],
  ])('catch %s', (_what, schema, problem) => {
    expect(advancedAuthProblems(schema).join('\n')).toMatch(problem);
  });
});

describe('catalog rules', () => {
  const good = (): Json => ({
    name: 'S',
    json_schema: { type: 'object', properties: { Id: { type: 'string' }, At: { type: 'string', format: 'date-time' } } },
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['At'],
    source_defined_primary_key: [['Id']],
  });

  it('accept a clean catalog', () => {
    expect(catalogProblems({ streams: [good()] })).toEqual([]);
  });

  it.each<[string, (s: Json) => Json, RegExp]>([
    ['a duplicate name', (s) => ({ streams: [s, s] }), /not unique/],
    ['a cursor outside properties', (s) => ({ streams: [{ ...s, default_cursor_field: ['Nope'] }] }), /default_cursor_field/],
    ['a key outside properties', (s) => ({ streams: [{ ...s, source_defined_primary_key: [['Nope']] }] }), /primary key/],
    [
      'an object key',
      (s) => ({ streams: [{ ...s, json_schema: { ...s.json_schema, properties: { ...s.json_schema.properties, Id: { type: 'object' } } } }] }),
      /object or array/,
    ],
    ['no sync modes', (s) => ({ streams: [{ ...s, supported_sync_modes: [] }] }), /supported_sync_modes/],
    ['additionalProperties false', (s) => ({ streams: [{ ...s, json_schema: { ...s.json_schema, additionalProperties: false } }] }), /additionalProperties/],
    ['an invalid schema', (s) => ({ streams: [{ ...s, json_schema: { ...s.json_schema, type: 'objekt' } }] }), /draft-07/],
    ['a $ref', (s) => ({ streams: [{ ...s, json_schema: { ...s.json_schema, properties: { ...s.json_schema.properties, X: { $ref: '#/a' } } } }] }), /\$ref/],
    ['no streams', () => ({ streams: [] }), /no streams/],
  ])('catch %s', (_what, make, problem) => {
    expect(catalogProblems(make(good())).join('\n')).toMatch(problem);
  });

  it('check records: schema, strict integers, date-times, shared fields, key and extra columns', () => {
    const check = recordChecker(
      {
        json_schema: {
          type: 'object',
          properties: { Id: { type: ['null', 'string'] }, N: { type: ['null', 'integer'] }, At: { type: ['null', 'string'], format: 'date-time' } },
        },
        source_defined_primary_key: [['Id']],
      },
      { failOnExtraColumns: true },
    );
    expect(check({ Id: 'a', N: 3, At: '2024-01-01T00:00:00.000Z' })).toEqual([]);
    expect(check({ Id: 'a', N: 1.5 }).join()).toMatch(/schema/);
    expect(check({ Id: 'a', N: 1e21 }).join()).toMatch(/not an exact integer/);
    expect(check({ Id: 'a', At: 'yesterday' }).join()).toMatch(/date-time/);
    expect(check({ Other: 1 }).join()).toMatch(/shares no field/);
    expect(check({ Id: null }).join()).toMatch(/every primary key part is null/);
    expect(check({ Id: 'a', Extra: 1 }).join()).toMatch(/columns the schema lacks: Extra/);
  });
});
