import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../runtime/errors.js';
import { isLoopbackHost, parseHostname, type LoginFlow } from './hostname.js';

describe('parseHostname', () => {
  it.each([
    ['acme.my.salesforce.com', 'https://acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com/', 'https://acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['acme.my.salesforce.com/', 'https://acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['  ACME.My.Salesforce.com ', 'https://acme.my.salesforce.com', 'acme.my.salesforce.com'],
    ['acme--dev.sandbox.my.salesforce.com', 'https://acme--dev.sandbox.my.salesforce.com', 'acme--dev.sandbox.my.salesforce.com'],
    ['acme.my.salesforce.com:8443', 'https://acme.my.salesforce.com:8443', 'acme.my.salesforce.com:8443'],
    ['localhost:4443', 'https://localhost:4443', 'localhost:4443'],
    ['http://localhost:8080', 'http://localhost:8080', 'localhost:8080'],
    ['http://127.0.0.5:8080/', 'http://127.0.0.5:8080', '127.0.0.5:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080', '[::1]:8080'],
  ])('accepts %s', (input, origin, host) => {
    expect(parseHostname(input)).toEqual({ origin, host, kind: /localhost|127\.0\.0|::1/.test(host) ? 'loopback' : 'my_domain' });
  });

  it.each([
    ['login.salesforce.com', 'refresh_token'],
    ['https://test.salesforce.com', 'jwt_bearer'],
  ] as [string, LoginFlow][])('accepts the shared login host %s for the %s flow, whose answer names the org host', (input, flow) => {
    expect(parseHostname(input, 'config', flow)).toMatchObject({ origin: `https://${input.replace('https://', '')}`, kind: 'login' });
  });

  it.each([
    ['', /empty/],
    ['acme.my.salesforce.com/services/data', /path or query/],
    ['https://acme.my.salesforce.com/x', /path or query/],
    ['https://acme.my.salesforce.com?x=1', /path or query/],
    ['https://user:pw@acme.my.salesforce.com', /user name or password/],
    ['http://acme.my.salesforce.com', /only allowed for a local emulator/],
    ['ftp://acme.my.salesforce.com', /scheme/],
    ['login.salesforce.com', /My Domain host/],
    ['https://test.salesforce.com', /My Domain host/],
    ['acme.lightning.force.com', /acme\.my\.salesforce\.com/],
    ['acme--dev.sandbox.lightning.force.com', /acme--dev\.sandbox\.my\.salesforce\.com/],
    ['exa mple.com', /not a host name/],
  ])('refuses %j with a message naming the field', (input, why) => {
    let error: unknown;
    try {
      parseHostname(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/'hostname'/);
    expect((error as Error).message).toMatch(why);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('acme.my.salesforce.com')).toBe(false);
  });
});
