/**
 * The OAuth consent and token addresses the platform builds from spec.json's advanced_auth templates
 * and the hostname the operator typed. Every hostname form the spec's pattern accepts gives the
 * org's own /services/oauth2/authorize and /services/oauth2/token on the host the connector itself
 * calls; every form it refuses is refused by the connector too, naming the field.
 */
import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../connector/salesforce/config/load-config.js';
import { parseHostname } from '../../connector/salesforce/config/hostname.js';
import { readJson, type Json } from './support/fixtures.js';
import { testAjv } from '../helpers/test-ajv.js';
import { renderTemplate, templateValues } from './support/oauth-template.js';

const spec = readJson('spec.json');
const oauth = spec.advanced_auth.oauth_config_specification;
const input = oauth.oauth_connector_input_specification;
const hostnameSchema: Json = spec.connectionSpecification.properties.hostname;
const acceptsHost = testAjv({ strict: false }, false).compile(hostnameSchema);

const values = (hostname: string) =>
  templateValues({
    inputs: { hostname },
    clientId: '3MVG9.consumer-key',
    clientSecret: 'consumer-secret',
    redirectUri: 'https://airbyte.example.com/auth_flow',
    state: 'Zq8.state-_1',
    authCode: 'aPrxCode==',
    scope: input.scope,
  });

const HOSTS = ['acme.my.salesforce.com', 'acme--dev.sandbox.my.salesforce.com', 'login.salesforce.com', 'test.salesforce.com', 'localhost'];
/** Each host as an operator may type it: bare or with https://, in upper case, with a :port, with a trailing slash, with spaces. */
const forms: string[] = HOSTS.flatMap((host) =>
  ['', 'https://'].flatMap((scheme) =>
    [host, host.toUpperCase()].flatMap((name) =>
      ['', ':8443'].flatMap((port) => ['', '/'].flatMap((slash) => [`${scheme}${name}${port}${slash}`, ` ${scheme}${name}${port}${slash} `])),
    ),
  ),
);
const loopbackForms = ['http://localhost:8080', 'http://127.0.0.1:48123/', 'http://[::1]:8080'];

describe('the OAuth consent and token URLs', () => {
  it('point advanced_auth at the refresh token branch of credentials', () => {
    expect(spec.advanced_auth.predicate_key).toEqual(['credentials', 'auth_type']);
    expect(oauth.oauth_user_input_from_connector_config_specification.properties.hostname.path_in_connector_config).toEqual(['hostname']);
  });

  it.each(forms)("are the org host's own for the hostname %j", (typed) => {
    expect(acceptsHost(typed)).toBe(true);
    const org = parseHostname(typed, 'config', 'refresh_token');
    const consent = new URL(renderTemplate(input.consent_url, values(typed)));
    expect(consent.origin).toBe(org.origin);
    expect(consent.pathname).toBe('/services/oauth2/authorize');
    expect(Object.fromEntries(consent.searchParams)).toEqual({
      client_id: '3MVG9.consumer-key',
      redirect_uri: 'https://airbyte.example.com/auth_flow',
      state: 'Zq8.state-_1',
      scope: 'api refresh_token',
      response_type: 'code',
    });
    const token = new URL(renderTemplate(input.access_token_url, values(typed)));
    expect(token.origin).toBe(org.origin);
    expect(token.pathname).toBe('/services/oauth2/token');
    expect(Object.fromEntries(token.searchParams)).toEqual({
      client_id: '3MVG9.consumer-key',
      client_secret: 'consumer-secret',
      code: 'aPrxCode==',
      redirect_uri: 'https://airbyte.example.com/auth_flow',
      grant_type: 'authorization_code',
    });
  });

  it.each(loopbackForms)("name the emulator host for %j (accepted for the connector's own calls; an emulator has no consent page)", (typed) => {
    expect(acceptsHost(typed)).toBe(true);
    const consent = new URL(renderTemplate(input.consent_url, values(typed)));
    expect(consent.host).toBe(parseHostname(typed).host);
    expect(consent.pathname).toBe('/services/oauth2/authorize');
  });

  it.each([
    'https://https://acme.my.salesforce.com',
    'HTTPS://acme.my.salesforce.com',
    'acme.my.salesforce.com/services/oauth2',
    'acme.my.salesforce.com//',
    'https://acme.my.salesforce.com?x=1',
    'https://user@acme.my.salesforce.com',
    'http://acme.my.salesforce.com',
    'ftp://acme.my.salesforce.com',
    'acme.my.salesforce.com:port',
    'acme .my.salesforce.com',
    '',
  ])('cannot be built from %j, which the spec and the connector refuse', (typed) => {
    expect(acceptsHost(typed)).toBe(false);
    const config = { hostname: typed, credentials: { auth_type: 'refresh_token', client_id: 'id', client_secret: 's', refresh_token: 'r' } };
    expect(() => resolveConfig(config, 'c.json')).toThrow(/field 'hostname'/);
  });

  it('say why in the hostname description', () => {
    expect(hostnameSchema.description).toMatch(/consent and token addresses/);
  });
});
