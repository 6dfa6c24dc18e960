/**
 * Acceptance: spec. The connector prints exactly one SPEC, equal to spec.json, whose
 * connectionSpecification passes every rule Airbyte's acceptance suite applies to specs.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';
import { runConnector, type RunResult } from '../helpers/connector-runner.js';
import { acceptanceConfig, readJson, withoutPrivateKeys, type Json } from './support/fixtures.js';
import { draft07Problems } from './support/catalog-rules.js';
import { schemaNodes, specProblems } from './support/spec-rules.js';

type FormatsPlugin = typeof formatsModule.default;
const addFormats: FormatsPlugin = typeof formatsModule === 'function' ? (formatsModule as unknown as FormatsPlugin) : formatsModule.default;

const { tests } = acceptanceConfig().acceptance_tests.spec;

describe.each(tests)('acceptance: spec $spec_path', ({ spec_path: specPath, config_path: configPath }) => {
  let run: RunResult;
  let spec: Json;

  beforeAll(async () => {
    run = await runConnector('spec');
    spec = run.spec?.spec;
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
  });

  it('marks every credential, and only those, as a secret', () => {
    const secrets = schemaNodes(spec.connectionSpecification)
      .filter((n) => n.schema.airbyte_secret === true)
      .map((n) => n.name);
    expect(secrets).toEqual(['client_secret', 'refresh_token', 'private_key']);
  });

  it('accepts the test config (private keys removed)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(spec.connectionSpecification);
    const config = withoutPrivateKeys(readJson(configPath ?? 'integration_tests/sample_config.json'));
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  it('requires exactly hostname and client_id (every flow needs them); the rest has a default or depends on auth_type', () => {
    const cs = spec.connectionSpecification;
    expect([...cs.required].sort()).toEqual(['client_id', 'hostname']);
    expect(cs.properties.auth_type.default).toBe('client_credentials');
  });

  it('declares advanced_auth for the refresh token flow: the platform runs the consent and stores the refresh token', () => {
    const auth = spec.advanced_auth;
    expect(auth).toMatchObject({ auth_flow_type: 'oauth2.0', predicate_key: ['auth_type'], predicate_value: 'refresh_token' });
    const oauth = auth.oauth_config_specification;
    expect(Object.keys(oauth.complete_oauth_server_input_specification.properties)).toEqual(['client_id', 'client_secret']);
    expect(oauth.complete_oauth_output_specification.properties.refresh_token.path_in_connector_config).toEqual(['refresh_token']);
    for (const spec_ of [
      oauth.complete_oauth_output_specification,
      oauth.complete_oauth_server_output_specification,
      oauth.oauth_user_input_from_connector_config_specification,
    ]) {
      for (const field of Object.values(spec_.properties) as { path_in_connector_config: string[] }[]) {
        expect(Object.keys(spec.connectionSpecification.properties)).toContain(field.path_in_connector_config[0]);
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
  });

  it('links its documentation to the user guide (metadata.test.ts checks the image carries it there)', () => {
    expect(spec.documentationUrl).toMatch(/^file:\/\/\/.+\/docs\/salesforce\.md$/);
  });
});
