/**
 * Turns what an operator pastes into the org's API origin. The Client Credentials flow only works on
 * the org's own My Domain host, so the shared login hosts are refused with that explanation rather
 * than failing later with Salesforce's terse "request not supported on this domain".
 */
import { isIP } from 'node:net';
import { ConfigError } from '../../runtime/errors.js';

export interface OrgHost {
  /** e.g. https://acme.my.salesforce.com or http://127.0.0.1:8080 */
  origin: string;
  /** host[:port] as given, lower-cased */
  host: string;
}

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
export function parseHostname(raw: string, role = 'config'): OrgHost {
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
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash || (hasScheme ? false : /[/?#]/.test(text))) {
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
  if (SHARED_LOGIN_HOSTS.has(hostname)) {
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
  return { origin: `${url.protocol}//${url.host}`, host: url.host };
}
