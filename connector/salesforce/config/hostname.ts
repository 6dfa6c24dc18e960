/**
 * Turns what an operator pastes into the host the connector asks for tokens. The Client Credentials
 * flow only works on the org's own My Domain host, so the shared login hosts are refused for it with
 * that explanation rather than failing later with Salesforce's terse "request not supported on this
 * domain"; the refresh token and JWT bearer flows also work on the shared login hosts, which then
 * name the org's own host in their answer.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../../runtime/errors.js';

export interface OrgHost {
  /** e.g. https://acme.my.salesforce.com or http://127.0.0.1:8080 */
  origin: string;
  /** host[:port] as given, lower-cased */
  host: string;
  /**
   * my_domain: the org's own host, where every call stays. login: a shared login host, whose token
   * answer names the org's host. loopback: an emulator, which may name another loopback host.
   */
  kind: 'my_domain' | 'login' | 'loopback';
}

export type LoginFlow = 'client_credentials' | 'refresh_token' | 'jwt_bearer';

const SHARED_LOGIN_HOSTS = new Set(['login.salesforce.com', 'test.salesforce.com']);

function failer(role: string) {
  return (message: string): never => {
    throw new ConfigError(message.replace("The config field 'hostname'", `The ${role} field 'hostname'`), { internalMessage: 'config field: hostname' });
  };
}

export function isLoopbackHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** `role` names where the value came from in messages, e.g. "config file /x/config.json". */
export function parseHostname(raw: string, role = 'config', flow: LoginFlow = 'client_credentials'): OrgHost {
  const fail: (message: string) => never = failer(role); // typed so control flow knows it never returns
  const text = raw.trim();
  if (!text) fail("The config field 'hostname' is empty; set it to your org's My Domain host, such as acme.my.salesforce.com.");
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    fail(`The config field 'hostname' ('${text}') is not a host name; use your org's My Domain host, such as acme.my.salesforce.com.`);
  }
  if (url.username || url.password) {
    fail("The config field 'hostname' must not contain a user name or password; give only the host, such as acme.my.salesforce.com.");
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash || (hasScheme ? false : /[/?#]/.test(text.replace(/\/$/, '')))) {
    fail(`The config field 'hostname' ('${text}') has a path or query; give only the host, such as acme.my.salesforce.com.`);
  }
  const hostname = url.hostname.toLowerCase();
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(hostname)) {
      fail(`The config field 'hostname' uses http://, which is only allowed for a local emulator; use https:// (or just ${url.host}).`);
    }
  } else if (url.protocol !== 'https:') {
    fail(
      `The config field 'hostname' uses the scheme '${url.protocol}'; Salesforce is reached over https, so give just the host, such as acme.my.salesforce.com.`,
    );
  }
  const shared = SHARED_LOGIN_HOSTS.has(hostname);
  if (shared && flow === 'client_credentials') {
    fail(
      `The config field 'hostname' is ${hostname}, but the Client Credentials flow only works on your org's My Domain host; ` +
        'use the host shown in Setup > My Domain, such as acme.my.salesforce.com or acme--dev.sandbox.my.salesforce.com.',
    );
  }
  const lightning = /^(.+?)\.(sandbox\.)?lightning\.force\.com$/.exec(hostname);
  if (lightning) {
    const suggestion = `${lightning[1]}.${lightning[2] ?? ''}my.salesforce.com`;
    fail(`The config field 'hostname' is a Lightning UI host (${hostname}); use the API host ${suggestion} instead.`);
  }
  const kind = shared ? 'login' : isLoopbackHost(hostname) ? 'loopback' : 'my_domain';
  return { origin: `${url.protocol}//${url.host}`, host: url.host, kind };
}
