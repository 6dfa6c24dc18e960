import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_OBJECTS } from './defaults.js';
import { loadConfig, resolveConfig } from './load-config.js';
import { nativeImport } from '../../../integration_tests/helpers/native.js';

const base = { hostname: 'acme.my.salesforce.com', credentials: { auth_type: 'client_credentials', client_id: 'id', client_secret: 'secret-value' } };
const flat = { hostname: 'acme.my.salesforce.com', client_id: 'id', client_secret: 'secret-value' };
const { sharedRsaKey } = nativeImport<typeof import('../../../integration_tests/helpers/test-keys.js')>(
  new URL('../../../integration_tests/helpers/test-keys.js', import.meta.url),
);
const pem = sharedRsaKey().export({ type: 'pkcs8', format: 'pem' }).toString();

/** A complete set of login fields for each flow, as its branch of spec.json names them. */
const FLOW_FIELDS: Record<string, Record<string, string>> = {
  client_credentials: { auth_type: 'client_credentials', client_id: 'id', client_secret: 'secret-value' },
  refresh_token: { auth_type: 'refresh_token', client_id: 'id', client_secret: 'secret-value', refresh_token: 'refresh-value' },
  jwt_bearer: { auth_type: 'jwt_bearer', client_id: 'id', username: 'integration@acme.com', private_key: pem },
};
const flows = Object.keys(FLOW_FIELDS);
const fieldsOf = (flow: string) => Object.keys(FLOW_FIELDS[flow]).map((field) => [flow, field]);
const without = (record: Record<string, string>, field: string) => Object.fromEntries(Object.entries(record).filter(([key]) => key !== field));

describe('resolveConfig', () => {
  it('defaults to all six objects and the whole history', () => {
    const config = resolveConfig(base, 'c.json');
    expect(config.objects).toEqual([...DEFAULT_OBJECTS]);
    expect(config.startDate).toBeUndefined();
    expect(config.org.origin).toBe('https://acme.my.salesforce.com');
  });

  it('reads a file saved with a byte-order mark', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sfcfg-')), 'config.json');
    writeFileSync(file, `\uFEFF${JSON.stringify(base)}`);
    expect((await loadConfig(file)).auth.clientId).toBe('id');
  });

  it('normalises start_date to UTC milliseconds', () => {
    expect(resolveConfig({ ...base, start_date: '2024-01-01T02:00:00+02:00' }, 'c.json').startDate).toBe('2024-01-01T00:00:00.000Z');
  });

  it.each([
    [{ ...base, credentials: { ...base.credentials, client_secret: 7 } }, /'credentials\.client_secret' must be of type string/],
    [{ ...base, credentials: { ...base.credentials, client_id: '  ' } }, /'credentials\.client_id' is empty/],
    [{ ...base, credentials: 'id:secret' }, /field 'credentials' must be an object/],
    [{ ...base, credentials: { client_id: 'id' } }, /field 'credentials\.auth_type' is missing; set it to one of "client_credentials"/],
    [
      { ...base, credentials: { ...base.credentials, auth_type: 'password' } },
      /field 'credentials\.auth_type' must be one of "client_credentials", "refresh_token", "jwt_bearer"/,
    ],
    [{ credentials: base.credentials }, /missing the required field 'hostname'/],
    [{ ...base, start_date: 'yesterday' }, /'start_date' is not a valid/],
    [{ ...base, objects: ['Account', 'Widget Report'] }, /'objects' lists "Widget Report", which is not an object API name/],
    [{ ...base, objects: ['*', 'Account'] }, /'objects' mixes "\*" with object names/],
    [{ ...base, objects: [] }, /'objects' must not be empty/],
    [{ ...flat, client_id: undefined }, /field 'client_id' is missing, but auth_type client_credentials needs it/],
    [{ ...flat, client_secret: 7 }, /field 'client_secret' must be of type string/],
    [{ ...flat, client_id: '  ' }, /field 'client_id' is empty/],
    ['a string', /must hold a JSON object/],
  ])('rejects %j', (raw, message) => {
    expect(() => resolveConfig(raw, 'c.json')).toThrow(message);
    expect(() => resolveConfig(raw, 'c.json')).toThrow(/c\.json/);
  });

  describe.each(flows)('the %s branch of credentials', (flow) => {
    it('reads a complete config of the flow, as is', () => {
      const config = resolveConfig({ hostname: 'acme.my.salesforce.com', credentials: FLOW_FIELDS[flow] }, 'c.json');
      expect(config.auth.flow).toBe(flow);
      expect(config.migrated).toBeUndefined();
      expect(config.stored).toEqual({ hostname: 'acme.my.salesforce.com', credentials: FLOW_FIELDS[flow] });
      expect(config.warnings).toEqual([]);
    });

    it.each(fieldsOf(flow).filter(([, field]) => field !== 'auth_type'))('refuses a %s config without %s, naming credentials.%s', (_flow, field) => {
      const raw = { hostname: 'acme.my.salesforce.com', credentials: without(FLOW_FIELDS[flow], field) };
      expect(() => resolveConfig(raw, 'c.json')).toThrow(`The config file c.json field 'credentials.${field}' is missing, but auth_type ${flow} needs it;`);
    });

    it('reads the same fields flat, and gives the config in the credentials shape to store', () => {
      const config = resolveConfig({ hostname: 'acme.my.salesforce.com', ...FLOW_FIELDS[flow], start_date: '2024-01-01T00:00:00Z' }, 'c.json');
      expect(config.auth.flow).toBe(flow);
      expect(config.migrated).toEqual({ hostname: 'acme.my.salesforce.com', start_date: '2024-01-01T00:00:00Z', credentials: FLOW_FIELDS[flow] });
      expect(config.stored).toEqual(config.migrated);
      expect(config.warnings).toEqual([]);
    });

    it.each(fieldsOf(flow).filter(([, field]) => field !== 'auth_type' && !(flow === 'client_credentials' && field === 'client_secret')))(
      'refuses a flat %s config without %s, naming the flat field',
      (_flow, field) => {
        expect(() => resolveConfig({ hostname: 'acme.my.salesforce.com', ...without(FLOW_FIELDS[flow], field) }, 'c.json')).toThrow(
          `The config file c.json field '${field}' is missing, but auth_type ${flow} needs it;`,
        );
      },
    );
  });

  it('reads a flat config without auth_type as Client Credentials, as it always has', () => {
    const config = resolveConfig(flat, 'c.json');
    expect(config.auth).toEqual({ flow: 'client_credentials', clientId: 'id', clientSecret: 'secret-value' });
    expect(config.migrated).toEqual({
      hostname: flat.hostname,
      credentials: { auth_type: 'client_credentials', client_id: 'id', client_secret: 'secret-value' },
    });
  });

  it('leaves out of the migrated config, with a warning, the flat fields its flow does not use', () => {
    const config = resolveConfig({ ...FLOW_FIELDS.jwt_bearer, hostname: 'acme.my.salesforce.com', client_secret: 'left-over' }, 'c.json');
    expect(config.migrated).toEqual({ hostname: 'acme.my.salesforce.com', credentials: FLOW_FIELDS.jwt_bearer });
    expect(config.warnings).toEqual(["The config file c.json field 'client_secret' is not used by the jwt_bearer flow; it is ignored."]);
  });

  it('warns about a field the connector does not use, suggesting the option it resembles, in either shape', () => {
    expect(resolveConfig({ ...base, start_dat: '2024-01-01T00:00:00Z', platform_note: 'x' }, 'c.json').warnings).toEqual([
      "The config file c.json has a field 'start_dat' that this connector does not use (did you mean 'start_date'?); it is ignored.",
      "The config file c.json has a field 'platform_note' that this connector does not use; it is ignored.",
    ]);
    expect(resolveConfig({ ...flat, start_dat: '2024-01-01T00:00:00Z' }, 'c.json').warnings).toEqual([
      "The config file c.json has a field 'start_dat' that this connector does not use (did you mean 'start_date'?); it is ignored.",
    ]);
    expect(resolveConfig({ ...base, credentials: { ...base.credentials, client_secrets: 'x', refresh_token: 'r' } }, 'c.json').warnings).toEqual([
      "The config file c.json has a field 'credentials.client_secrets' that this connector does not use (did you mean 'credentials.client_secret'?); it is ignored.",
      "The config file c.json field 'credentials.refresh_token' is not used by the client_credentials flow; it is ignored.",
    ]);
    expect(resolveConfig(base, 'c.json').warnings).toEqual([]);
  });

  it('warns that a start_date in the future reads nothing, and keeps it', () => {
    const future = new Date(Date.now() + 3 * 24 * 60 * 60 * 1000).toISOString();
    const config = resolveConfig({ ...base, start_date: future }, 'c.json');
    expect(config.startDate).toBe(future);
    expect(config.warnings).toEqual([
      `The config file c.json field 'start_date' (${future}) is in the future, so no record is read until then; set a past date-time, or leave it out for the whole history.`,
    ]);
    // Within a day ahead (another time zone's midnight, say) says nothing.
    expect(resolveConfig({ ...base, start_date: new Date(Date.now() + 60 * 60 * 1000).toISOString() }, 'c.json').warnings).toEqual([]);
  });

  it('uses credentials, and says so, when the config also holds flat login fields', () => {
    const config = resolveConfig({ ...base, client_id: 'old-id', client_secret: 'old-secret' }, 'c.json');
    expect(config.auth).toMatchObject({ clientId: 'id', clientSecret: 'secret-value' });
    expect(config.migrated).toBeUndefined();
    expect(config.warnings).toEqual([
      "The config file c.json has 'client_id', 'client_secret' at the top level as well as 'credentials'; the connector uses 'credentials' and ignores them.",
    ]);
  });

  it("names auth_type when a flat config holds another flow's fields without it", () => {
    const { client_secret: _secret, ...rest } = flat;
    expect(() => resolveConfig({ ...rest, username: 'a@b.c', private_key: 'x' }, 'c.json')).toThrow(
      /field 'auth_type' is not set, so the connector uses client_credentials, but the config holds the fields of the jwt_bearer flow; set auth_type to "jwt_bearer"/,
    );
    expect(() => resolveConfig({ ...rest, refresh_token: 'r' }, 'c.json')).toThrow(/set auth_type to "refresh_token"/);
  });

  it("names auth_type when credentials holds a flow's fields without it", () => {
    for (const flow of flows) {
      const { auth_type: _flow, ...fields } = FLOW_FIELDS[flow];
      expect(() => resolveConfig({ hostname: 'acme.my.salesforce.com', credentials: fields }, 'c.json')).toThrow(
        `The config file c.json field 'credentials.auth_type' is missing; the fields beside it are those of the ${flow} flow, so set it to "${flow}".`,
      );
    }
  });

  it('names the private key by its path when it cannot be read', () => {
    const raw = { ...base, credentials: { ...FLOW_FIELDS.jwt_bearer, private_key: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' } };
    expect(() => resolveConfig(raw, 'c.json')).toThrow(/'credentials\.private_key' holds a certificate/);
  });

  it('refuses, saying why, a hostname the platform cannot build the consent address from', () => {
    expect(() => resolveConfig({ ...base, hostname: 'HTTPS://acme.my.salesforce.com' }, 'c.json')).toThrow(
      /field 'hostname' \("HTTPS:\/\/acme\.my\.salesforce\.com"\) is not a host the platform can build the OAuth consent address from/,
    );
  });
});
