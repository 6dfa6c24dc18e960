/**
 * Decides where API calls go after a token is issued. A My Domain host keeps every call on itself;
 * a shared login host (or an emulator on loopback) names the org's host in `instance_url`, which is
 * followed only to an https Salesforce domain or to loopback: a token answer altered on the way must
 * not be able to send the access token anywhere else.
 */
import { isLoopbackHost, type LoginFlow, type OrgHost } from '../config/hostname.js';
import { UntrustedInstanceError } from './failures.js';

/** Salesforce's own domains, production, government and sandbox/scratch forms (all below these); metadata.yaml's allowedHosts lists them. */
export const SALESFORCE_DOMAINS = ['.salesforce.com', '.force.com', '.salesforce.mil', '.cloudforce.com'];

export function isSalesforceHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return SALESFORCE_DOMAINS.some((domain) => host.endsWith(domain));
}

/** The origin API calls go to after a token answer that named `instanceUrl`. */
export function apiOrigin(org: OrgHost, flow: LoginFlow, instanceUrl: unknown): string {
  // Client Credentials only works on the org's own host, so its answer can name nothing new.
  if (org.kind === 'my_domain' || flow === 'client_credentials') return org.origin;
  let url: URL | undefined;
  try {
    url = typeof instanceUrl === 'string' ? new URL(instanceUrl) : undefined;
  } catch {
    url = undefined;
  }
  const shown = url ? `${url.protocol}//${url.host}` : (JSON.stringify(instanceUrl)?.slice(0, 80) ?? 'nothing');
  if (!url || url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search) throw new UntrustedInstanceError(org.host, shown);
  const trusted = isLoopbackHost(url.hostname)
    ? url.protocol === 'http:' || url.protocol === 'https:'
    : url.protocol === 'https:' && isSalesforceHost(url.hostname);
  if (!trusted) throw new UntrustedInstanceError(org.host, shown);
  return url.origin;
}
