/**
 * Acceptance: spec. The connector prints exactly one SPEC, equal to spec.json, whose
 * connectionSpecification passes every rule Airbyte's acceptance suite applies to specs.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector, type RunResult } from '../helpers/connector-runner.js';
import type { ValidateFunction } from 'ajv';
import { testAjv } from '../helpers/test-ajv.js';
import { acceptanceConfig, readJson, withoutPrivateKeys, type Json } from './support/fixtures.js';
import { draft07Problems } from './support/catalog-rules.js';
import { advancedAuthProblems, schemaNodes, specProblems } from './support/spec-rules.js';

const { tests } = acceptanceConfig().acceptance_tests.spec;

describe.each(tests)('acceptance: spec $spec_path', ({ spec_path: specPath, config_path: configPath }) => {
  let run: RunResult;
  let spec: Json;
  // One compiled validator for every test: each new ajv compiles the draft-07 meta-schema again first.
  let validate: ValidateFunction;

  beforeAll(async () => {
    run = await runConnector('spec');
    spec = run.spec?.spec;
    validate = testAjv({ strict: false, allErrors: true }).compile(spec.connectionSpecification);
  });

  it('prints exactly one SPEC message, equal to the spec file, and exits 0', () => {
    expect(run.exitCode).toBe(0);
    expect(run.messages.filter((m) => m.type === 'SPEC')).toHaveLength(1);
    expect(spec).toEqual(readJson(specPath));
  });

  it('has a draft-07 connectionSpecification', () => {
    expect(spec.connectionSpecification.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(draft07Problems(spec.connectionSpecification, 'connectionSpecification')).toEqual([]);
  });

  it('passes the acceptance rules for specs', () => {
    expect(specProblems(spec.connectionSpecification)).toEqual([]);
    expect(advancedAuthProblems(spec)).toEqual([]);
  });

  it('marks every credential, and only those, as a secret', () => {
    const secrets = schemaNodes(spec.connectionSpecification)
      .filter((n) => n.schema.airbyte_secret === true)
      .map((n) => n.name);
    expect([...new Set(secrets)]).toEqual(['client_secret', 'refresh_token', 'private_key']);
  });

  it('accepts the test config (private keys removed)', () => {
    const config = withoutPrivateKeys(readJson(configPath ?? 'integration_tests/sample_config.json'));
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  it('requires hostname and credentials; every other top-level field has a default or may be left out', () => {
    const cs = spec.connectionSpecification;
    expect([...cs.required].sort()).toEqual(['credentials', 'hostname']);
  });

  describe('credentials: one branch per login flow, each requiring all of its own fields', () => {
    const FLOWS: Record<string, { title: string; fields: Record<string, string> }> = {
      client_credentials: { title: 'Client Credentials', fields: { client_id: 'id', client_secret: 'secret' } },
      refresh_token: { title: 'OAuth (refresh token)', fields: { client_id: 'id', client_secret: 'secret', refresh_token: 'token' } },
      jwt_bearer: { title: 'JWT bearer', fields: { client_id: 'id', username: 'integration@acme.com', private_key: 'pem' } },
    };
    const configOf = (credentials: Json) => ({ hostname: 'acme.my.salesforce.com', credentials });

    it('has a titled branch per flow, discriminated by a const auth_type with no default or enum', () => {
      const branches = spec.connectionSpecification.properties.credentials.oneOf as Json[];
      expect(branches.map((b) => [b.properties.auth_type.const, b.title])).toEqual(Object.entries(FLOWS).map(([flow, { title }]) => [flow, title]));
      for (const branch of branches) {
        expect(Object.keys(branch.properties.auth_type).sort()).toEqual(['const', 'order', 'type']);
        expect([...branch.required].sort()).toEqual(Object.keys(branch.properties).sort());
      }
    });

    it.each(Object.keys(FLOWS))('accepts a complete %s config, and no other flow claims it', (flow) => {
      expect(validate(configOf({ auth_type: flow, ...FLOWS[flow].fields })) ? [] : validate.errors).toEqual([]);
    });

    it.each(Object.entries(FLOWS).flatMap(([flow, { fields }]) => ['auth_type', ...Object.keys(fields)].map((field) => [flow, field])))(
      'refuses a %s config without %s, naming the field',
      (flow, field) => {
        const credentials: Json = { auth_type: flow, ...FLOWS[flow].fields };
        delete credentials[field];
        expect(validate(configOf(credentials))).toBe(false);
        const missing = validate.errors!.filter((e) => e.keyword === 'required' && e.instancePath === '/credentials').map((e) => e.params.missingProperty);
        expect(missing).toContain(field);
      },
    );

    it('refuses a config without credentials, and the flat fields alone (the connector, not the spec, reads those)', () => {
      expect(validate({ hostname: 'acme.my.salesforce.com', client_id: 'id', client_secret: 'secret' })).toBe(false);
      expect(validate.errors!.map((e) => e.params.missingProperty)).toContain('credentials');
    });
  });

  it('declares advanced_auth for the refresh token branch: the platform runs the consent and stores the refresh token inside credentials', () => {
    const auth = spec.advanced_auth;
    expect(auth).toMatchObject({ auth_flow_type: 'oauth2.0', predicate_key: ['credentials', 'auth_type'], predicate_value: 'refresh_token' });
    const branches = spec.connectionSpecification.properties.credentials.oneOf as Json[];
    const refreshBranch = branches.find((b) => b.properties.auth_type.const === auth.predicate_value)!;
    expect(refreshBranch.title).toBe('OAuth (refresh token)');
    const oauth = auth.oauth_config_specification;
    expect(Object.keys(oauth.complete_oauth_server_input_specification.properties)).toEqual(['client_id', 'client_secret']);
    expect(oauth.complete_oauth_output_specification.properties.refresh_token.path_in_connector_config).toEqual(['credentials', 'refresh_token']);
    expect(oauth.complete_oauth_server_output_specification.properties.client_id.path_in_connector_config).toEqual(['credentials', 'client_id']);
    expect(oauth.complete_oauth_server_output_specification.properties.client_secret.path_in_connector_config).toEqual(['credentials', 'client_secret']);
    // Every path names a field of the spec: at the top level, or in the refresh token branch.
    for (const spec_ of [
      oauth.complete_oauth_output_specification,
      oauth.complete_oauth_server_output_specification,
      oauth.oauth_user_input_from_connector_config_specification,
    ]) {
      for (const field of Object.values(spec_.properties) as { path_in_connector_config: string[] }[]) {
        const [first, second] = field.path_in_connector_config;
        if (second === undefined) expect(Object.keys(spec.connectionSpecification.properties)).toContain(first);
        else expect({ first, known: second in refreshBranch.properties }).toEqual({ first: 'credentials', known: true });
      }
    }
  });

  it('gives every top-level property a title, a description and a unique order', () => {
    const props = Object.entries(spec.connectionSpecification.properties as Record<string, Json>);
    for (const [name, prop] of props) {
      expect({ name, title: typeof prop.title, description: typeof prop.description }).toEqual({ name, title: 'string', description: 'string' });
    }
    const orders = props.map(([, p]) => p.order);
    expect(new Set(orders).size).toBe(props.length);
    // The form opens with the host, then the login flow; every other option follows in the file's order.
    expect(props.map(([name]) => name)).toEqual([...props].sort(([, a], [, b]) => a.order - b.order).map(([name]) => name));
    expect(props.slice(0, 2).map(([name]) => name)).toEqual(['hostname', 'credentials']);
  });

  it('names every pattern in words (pattern_descriptor), which the form shows where it would show the regular expression', () => {
    const patterned = schemaNodes(spec.connectionSpecification).filter(({ schema }) => 'pattern' in schema);
    expect(patterned.map(({ path }) => path)).toEqual(['/properties/hostname', '/properties/start_date']);
    for (const { path, schema } of patterned) expect({ path, descriptor: typeof schema.pattern_descriptor }).toEqual({ path, descriptor: 'string' });
  });

  it('links its documentation to the user guide (metadata.test.ts checks the image carries it there)', () => {
    expect(spec.documentationUrl).toMatch(/^file:\/\/\/.+\/docs\/salesforce\.md$/);
  });
});
