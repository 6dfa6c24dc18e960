import { describe, expect, it } from '@jest/globals';
import { createPublicKey, verify } from 'node:crypto';
import { nativeImport } from '../../../integration_tests/helpers/native.js';
import { jwtAudience } from '../config/auth.js';
import { parseHostname } from '../config/hostname.js';
import { UntrustedInstanceError } from './failures.js';
import { apiOrigin, isSalesforceHost } from './instance-url.js';
import { JWT_GRANT_TYPE, grantForm, jwtAssertion } from './token-grant.js';

const { sharedRsaKey } = nativeImport<typeof import('../../../integration_tests/helpers/test-keys.js')>(
  new URL('../../../integration_tests/helpers/test-keys.js', import.meta.url),
);
const privateKey = sharedRsaKey();

describe('the JWT bearer assertion', () => {
  const auth = { flow: 'jwt_bearer' as const, clientId: '3MVG9.app', username: 'ada@acme.com', privateKey, audience: 'https://test.salesforce.com' };

  it('carries iss, sub, aud and an exp three minutes ahead, signed RS256 with the key', () => {
    const now = Date.UTC(2026, 0, 1);
    const [header, claims, signature] = jwtAssertion(auth, now).split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toEqual({
      iss: '3MVG9.app',
      sub: 'ada@acme.com',
      aud: 'https://test.salesforce.com',
      exp: now / 1000 + 180,
    });
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), createPublicKey(privateKey), Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('is posted with the jwt-bearer grant type and nothing secret besides', () => {
    const form = grantForm(auth, undefined, Date.now());
    expect(Object.keys(form)).toEqual(['grant_type', 'assertion']);
    expect(form.grant_type).toBe(JWT_GRANT_TYPE);
  });

  it.each([
    ['login.salesforce.com', 'https://login.salesforce.com'],
    ['test.salesforce.com', 'https://test.salesforce.com'],
    ['acme.my.salesforce.com', 'https://login.salesforce.com'],
    ['acme--dev.sandbox.my.salesforce.com', 'https://test.salesforce.com'],
  ])('names the audience of %s as %s', (host, audience) => {
    expect(jwtAudience(parseHostname(host, 'config', 'jwt_bearer'))).toBe(audience);
  });
});

describe('the refresh token grant', () => {
  it('posts the newest refresh token the run holds', () => {
    const auth = { flow: 'refresh_token' as const, clientId: 'id', clientSecret: 'secret', refreshToken: 'configured' };
    expect(grantForm(auth, undefined, 0).refresh_token).toBe('configured');
    expect(grantForm(auth, 'rotated', 0).refresh_token).toBe('rotated');
  });
});

describe('where API calls go after a token answer', () => {
  const login = parseHostname('login.salesforce.com', 'config', 'refresh_token');

  it('stays on a My Domain host, and on any host for Client Credentials, whatever the answer names', () => {
    expect(apiOrigin(parseHostname('acme.my.salesforce.com', 'config', 'refresh_token'), 'refresh_token', 'https://evil.example.com')).toBe(
      'https://acme.my.salesforce.com',
    );
    expect(apiOrigin(parseHostname('http://127.0.0.1:9'), 'client_credentials', 'https://evil.example.com')).toBe('http://127.0.0.1:9');
  });

  it.each(['https://acme.my.salesforce.com', 'https://acme--dev.sandbox.my.salesforce.com', 'https://na1.force.com', 'https://acme.my.salesforce.mil'])(
    'follows a login host to %s',
    (url) => {
      expect(apiOrigin(login, 'refresh_token', url)).toBe(url);
    },
  );

  it.each([
    'https://evil.example.com',
    'https://salesforce.com.evil.example',
    'https://evilsalesforce.com',
    'http://acme.my.salesforce.com',
    'https://user:pw@acme.my.salesforce.com',
    'https://acme.my.salesforce.com/services',
    'ftp://acme.my.salesforce.com',
    undefined,
    42,
  ])('refuses to follow a login host to %s', (url) => {
    expect(() => apiOrigin(login, 'jwt_bearer', url)).toThrow(UntrustedInstanceError);
  });

  it('knows Salesforce hosts by their domain, not by a look-alike name', () => {
    expect(isSalesforceHost('acme.my.salesforce.com')).toBe(true);
    expect(isSalesforceHost('acme.my.salesforce.com.')).toBe(true);
    expect(isSalesforceHost('mysalesforce.com')).toBe(false);
  });
});
