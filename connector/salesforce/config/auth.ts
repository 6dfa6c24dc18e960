/**
 * Which OAuth flow gets the access token, and the validated inputs each one needs. Every flow's
 * missing or malformed input is refused here, before any call, in a sentence that names the field.
 */
import type { KeyObject } from 'node:crypto';
import type { SalesforceConfig } from '../../../generated/config.js';
import type { LoginFlow, OrgHost } from './hostname.js';
import { parsePrivateKey } from './private-key.js';

export type Auth =
  | { flow: 'client_credentials'; clientId: string; clientSecret: string }
  | { flow: 'refresh_token'; clientId: string; clientSecret: string; refreshToken: string }
  | { flow: 'jwt_bearer'; clientId: string; username: string; privateKey: KeyObject; audience: string };

/** What each flow needs besides client_id, as the operator reads it in the app's settings. */
const NEEDS: Record<LoginFlow, { field: 'client_secret' | 'refresh_token' | 'username' | 'private_key'; fix: string }[]> = {
  client_credentials: [{ field: 'client_secret', fix: "paste the app's Consumer Secret" }],
  refresh_token: [
    { field: 'client_secret', fix: "paste the app's Consumer Secret" },
    { field: 'refresh_token', fix: 'paste the refresh token the authorization-code flow returned (docs: "Refresh token setup")' },
  ],
  jwt_bearer: [
    { field: 'username', fix: "set it to the integration user's Salesforce username, such as integration@acme.com" },
    { field: 'private_key', fix: 'paste the RSA private key whose certificate is uploaded to the app' },
  ],
};

/**
 * The JWT audience Salesforce expects: the login host of the org's kind. Sandboxes (test.salesforce.com
 * and every *.sandbox.my.salesforce.com host) use test.salesforce.com; everything else is production.
 */
export function jwtAudience(org: OrgHost): string {
  const host = org.host.replace(/:\d+$/, '');
  return host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com') ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

/** `flowGiven`: whether the operator set auth_type (the spec's default fills it in otherwise). */
export function resolveAuth(config: SalesforceConfig, org: OrgHost, fail: (message: string) => never, flowGiven = true): Auth {
  const flow: LoginFlow = config.auth_type ?? 'client_credentials';
  const value = (field: string): string => {
    const raw = config[field];
    return typeof raw === 'string' ? raw.trim() : '';
  };
  if (!flowGiven && !value('client_secret')) {
    // A config written for another flow without auth_type would otherwise be told it lacks a secret it does not need.
    const other = ['username', 'private_key'].some((f) => config[f] !== undefined)
      ? 'jwt_bearer'
      : config.refresh_token !== undefined
        ? 'refresh_token'
        : undefined;
    if (other)
      fail(
        `The field 'auth_type' is not set, so the connector uses client_credentials, but the config holds the fields of the ${other} flow; set auth_type to "${other}".`,
      );
  }
  const clientId = value('client_id');
  if (!clientId) fail("The field 'client_id' is empty; paste the Consumer Key from your External Client App.");
  for (const { field, fix } of NEEDS[flow]) {
    const state = config[field] === undefined ? 'missing' : 'empty';
    if (!value(field)) fail(`The field '${field}' is ${state}, but auth_type ${flow} needs it; ${fix}.`);
  }
  switch (flow) {
    case 'client_credentials':
      return { flow, clientId, clientSecret: value('client_secret') };
    case 'refresh_token':
      return { flow, clientId, clientSecret: value('client_secret'), refreshToken: value('refresh_token') };
    case 'jwt_bearer':
      return { flow, clientId, username: value('username'), privateKey: parsePrivateKey(value('private_key'), fail), audience: jwtAudience(org) };
  }
}
