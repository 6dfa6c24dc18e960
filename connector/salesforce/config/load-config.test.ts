import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_OBJECTS } from './defaults.js';
import { loadConfig, resolveConfig } from './load-config.js';

const base = { hostname: 'acme.my.salesforce.com', client_id: 'id', client_secret: 'secret-value' };

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
    [{ ...base, client_id: undefined }, /missing the required field 'client_id'/],
    [{ ...base, client_secret: 7 }, /'client_secret' must be of type string/],
    [{ ...base, start_date: 'yesterday' }, /'start_date' is not a valid/],
    [{ ...base, objects: ['Account', 'Widget Report'] }, /'objects' lists "Widget Report", which is not an object API name/],
    [{ ...base, objects: ['*', 'Account'] }, /'objects' mixes "\*" with object names/],
    [{ ...base, objects: [] }, /'objects' must not be empty/],
    [{ ...base, client_id: '  ' }, /'client_id' is empty/],
    ['a string', /must hold a JSON object/],
  ])('rejects %j', (raw, message) => {
    expect(() => resolveConfig(raw, 'c.json')).toThrow(message);
    expect(() => resolveConfig(raw, 'c.json')).toThrow(/c\.json/);
  });

  it('warns about a field the connector does not use, suggesting the option it resembles', () => {
    const config = resolveConfig({ ...base, start_dat: '2024-01-01T00:00:00Z', platform_note: 'x' }, 'c.json');
    expect(config.warnings).toEqual([
      "The config file c.json has a field 'start_dat' that this connector does not use (did you mean 'start_date'?); it is ignored.",
      "The config file c.json has a field 'platform_note' that this connector does not use; it is ignored.",
    ]);
    expect(resolveConfig(base, 'c.json').warnings).toEqual([]);
  });

  it("names auth_type when the config holds another flow's fields without it", () => {
    const { client_secret: _secret, ...rest } = base;
    expect(() => resolveConfig({ ...rest, username: 'a@b.c', private_key: 'x' }, 'c.json')).toThrow(
      /field 'auth_type' is not set, so the connector uses client_credentials, but the config holds the fields of the jwt_bearer flow; set auth_type to "jwt_bearer"/,
    );
    expect(() => resolveConfig({ ...rest, refresh_token: 'r' }, 'c.json')).toThrow(/set auth_type to "refresh_token"/);
  });
});
