/**
 * The OAuth consent and token addresses the platform builds from spec.json's advanced_auth templates
 * and the hostname the operator typed. Every hostname form the spec's pattern accepts gives the
 * org's own /services/oauth2/authorize and /services/oauth2/token on the host the connector itself
 * calls; every form it refuses is refused by the connector too, naming the field.
 */
import { describe, expect, it } from '@jest/globals';
import { readJson, type Json } from './support/fixtures.js';
import { nativeImport } from '../helpers/native.js';
import { testAjv } from '../helpers/test-ajv.js';
import { renderTemplate, templateValues } from './support/oauth-template.js';

// The connector's own modules as the connector runs them (see helpers/native.ts): the spec
// validator resolveConfig compiles is then the one every in-process run in this worker shares.
const { resolveConfig } = nativeImport<typeof import('../../connector/salesforce/config/load-config.js')>(
  new URL('../../connector/salesforce/config/load-config.js', import.meta.url),
);
const { parseHostname } = nativeImport<typeof import('../../connector/salesforce/config/hostname.js')>(
  new URL('../../connector/salesforce/config/hostname.js', import.meta.url),
);

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

  // One table per group of forms, compared in one assertion: a failure still names each form that
  // differs, without a test (and a dozen matcher calls) for each of the 80 forms.
  it("are the org host's own for every hostname form the spec accepts", () => {
    const consentParams = {
      client_id: '3MVG9.consumer-key',
      redirect_uri: 'https://airbyte.example.com/auth_flow',
      state: 'Zq8.state-_1',
      scope: 'api refresh_token',
      response_type: 'code',
    };
    const tokenParams = {
      client_id: '3MVG9.consumer-key',
      client_secret: 'consumer-secret',
      code: 'aPrxCode==',
      redirect_uri: 'https://airbyte.example.com/auth_flow',
      grant_type: 'authorization_code',
    };
    const built = forms.map((typed) => {
      const consent = new URL(renderTemplate(input.consent_url, values(typed)));
      const token = new URL(renderTemplate(input.access_token_url, values(typed)));
      return {
        typed,
        accepted: acceptsHost(typed),
        consent: [consent.origin, consent.pathname, Object.fromEntries(consent.searchParams)],
        token: [token.origin, token.pathname, Object.fromEntries(token.searchParams)],
      };
    });
    const expected = forms.map((typed) => {
      const { origin } = parseHostname(typed, 'config', 'refresh_token');
      return {
        typed,
        accepted: true,
        consent: [origin, '/services/oauth2/authorize', consentParams],
        token: [origin, '/services/oauth2/token', tokenParams],
      };
    });
    expect(built).toEqual(expected);
  });

  it("name the emulator host for loopback forms (accepted for the connector's own calls; an emulator has no consent page)", () => {
    const built = loopbackForms.map((typed) => {
      const consent = new URL(renderTemplate(input.consent_url, values(typed)));
      return { typed, accepted: acceptsHost(typed), host: consent.host, pathname: consent.pathname };
    });
    expect(built).toEqual(loopbackForms.map((typed) => ({ typed, accepted: true, host: parseHostname(typed).host, pathname: '/services/oauth2/authorize' })));
  });

  it('cannot be built from a form the spec refuses, which the connector refuses too, naming the field', () => {
    const refused = [
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
    ];
    const outcomes = refused.map((typed) => {
      const config = { hostname: typed, credentials: { auth_type: 'refresh_token', client_id: 'id', client_secret: 's', refresh_token: 'r' } };
      try {
        resolveConfig(config, 'c.json');
        return { typed, accepted: acceptsHost(typed), connector: 'accepted' };
      } catch (error) {
        return { typed, accepted: acceptsHost(typed), connector: (error as Error).message };
      }
    });
    expect(outcomes).toEqual(refused.map((typed) => ({ typed, accepted: false, connector: expect.stringMatching(/field 'hostname'/) })));
  });

  it('say why in the hostname description', () => {
    expect(hostnameSchema.description).toMatch(/consent and token addresses/);
  });
});
