import { describe, expect, it } from '@jest/globals';
import { runConnector } from './helpers/connector-runner.js';

// Nothing listens on port 9: any attempt to reach Salesforce would fail differently, so these
// prove each input is refused before a single call.
const good = { hostname: 'http://127.0.0.1:9', client_id: 'id', client_secret: 'the-secret-value' };
const stream = {
  name: 'Account',
  json_schema: { type: 'object', properties: { Id: { type: 'string' } } },
  supported_sync_modes: ['full_refresh', 'incremental'],
};
const catalog = { streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append' }] };

function expectConfigError(result: Awaited<ReturnType<typeof runConnector>>, message: RegExp) {
  expect(result.exitCode).not.toBe(0);
  expect(result.errors).toHaveLength(1);
  const error = result.errors[0].trace.error;
  expect(error.failure_type).toBe('config_error');
  expect(error.message).toMatch(message);
  expect(error.message).not.toMatch(/\n\s+at /);
  expect(result.records).toEqual([]);
}

describe('malformed configs', () => {
  it.each([
    ['not JSON', '{"hostname": ', /config file .*config\.json is not valid JSON/],
    ['an array', '[]', /config file .* must hold a JSON object/],
    [
      'the catalog passed as the config',
      catalog,
      /config file .* is a catalog \(it lists streams\), not a config; pass the config with --config: .*, and the catalog with --catalog\.$/,
    ],
    [
      "spec's output saved as the config",
      { type: 'SPEC', spec: {} },
      /config file .* holds an Airbyte SPEC message, not a config; pass the config with --config/,
    ],
    [
      'an object without one config field',
      { host: 'acme.my.salesforce.com' },
      /config file .* has none of the fields of a config; pass the config with --config/,
    ],
    [
      'a hostname without credentials',
      { hostname: 'acme.my.salesforce.com' },
      /config file .* field 'credentials' is missing; add the login flow and its fields, such as \{"auth_type": "client_credentials"/,
    ],
    [
      'a missing client_secret',
      { hostname: 'acme.my.salesforce.com', client_id: 'x' },
      /config file .* field 'client_secret' is missing, but auth_type client_credentials needs it/,
    ],
    [
      'a missing refresh_token',
      { ...good, auth_type: 'refresh_token' },
      /config file .* field 'refresh_token' is missing, but auth_type refresh_token needs it/,
    ],
    [
      'a missing username',
      { ...good, auth_type: 'jwt_bearer', private_key: 'x' },
      /config file .* field 'username' is missing, but auth_type jwt_bearer needs it/,
    ],
    ['an unknown auth_type', { ...good, auth_type: 'password' }, /field 'auth_type' must be one of "client_credentials"/],
    ['a wrong-typed client_id', { ...good, client_id: 42 }, /field 'client_id' must be of type string; write it in double quotes\.$/],
    ['a num_workers in quotes', { ...good, num_workers: '6' }, /field 'num_workers' must be of type integer; write a whole number, without quotes\.$/],
    [
      'a single object name for objects',
      { ...good, objects: 'Account' },
      /field 'objects' must be of type array; write a list in square brackets, such as \["Account", "Contact"\]\.$/,
    ],
    [
      'an object name that is no API name',
      { ...good, objects: ['Account', 'Invoice Report'] },
      /field 'objects' lists "Invoice Report", which is not an object API name/,
    ],
    ['a hostname with a path', { ...good, hostname: 'https://acme.my.salesforce.com/home' }, /config file .* field 'hostname' .* has a path/],
    ['login.salesforce.com', { ...good, hostname: 'login.salesforce.com' }, /field 'hostname' is login\.salesforce\.com.*My Domain/],
    [
      'http on a public host',
      { ...good, hostname: 'http://acme.my.salesforce.com' },
      /field 'hostname' uses http:\/\/, which is only allowed for a local emulator/,
    ],
    ['a bad start_date', { ...good, start_date: '2024-13-45' }, /field 'start_date' is not a valid/],
    ['an api_budget_percent over 100', { ...good, api_budget_percent: 150 }, /field 'api_budget_percent' must be at most 100; lower it\.$/],
    ['a num_workers of 0', { ...good, num_workers: 0 }, /field 'num_workers' must be at least 1; raise it\.$/],
  ])('discover and read refuse %s with a config_error naming the field', async (_what, config, message) => {
    expectConfigError(await runConnector('discover', { config }), message);
    expectConfigError(await runConnector('read', { config, catalog }), message);
  });

  it('never prints the secret, even when echoing the file is tempting', async () => {
    const result = await runConnector('discover', { config: `{"hostname": "x", "client_secret": "the-secret-value" oops}` });
    expect(JSON.stringify(result.messages)).not.toContain('the-secret-value');
  });
});

describe('malformed states', () => {
  it.each([
    ['an unknown stream', [{ type: 'STREAM', stream: { stream_descriptor: { name: 'Invoice' }, stream_state: {} } }], /names the unknown stream 'Invoice'/],
    ['a state without descriptor', [{ type: 'STREAM', stream: { stream_state: {} } }], /without stream\.stream_descriptor/],
    ['a number', '42', /must hold a JSON array of state messages/],
    [
      'the config given as the state',
      good,
      /state file .* is no state \('hostname' holds no stream's state: the config or the catalog given as --state\?\); pass the state/,
    ],
    ['the catalog given as the state', catalog, /state file .* is no state \('streams' holds no stream's state/],
  ])('read refuses %s', async (_what, state, message) => {
    expectConfigError(await runConnector('read', { config: good, catalog, state }), message);
  });
});
