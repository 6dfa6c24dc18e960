/**
 * Which OAuth flow gets the access token, and the inputs each one needs, from login fields that
 * credentials.ts has already checked against their flow's branch of the spec.
 */
import type { KeyObject } from 'node:crypto';
import type { OrgHost } from './hostname.js';
import type { Credentials } from './credentials.js';
import { parsePrivateKey } from './private-key.js';

export type Auth =
  | { flow: 'client_credentials'; clientId: string; clientSecret: string }
  | { flow: 'refresh_token'; clientId: string; clientSecret: string; refreshToken: string }
  | { flow: 'jwt_bearer'; clientId: string; username: string; privateKey: KeyObject; audience: string };

/**
 * The JWT audience Salesforce expects: the login host of the org's kind. Sandboxes (test.salesforce.com
 * and every *.sandbox.my.salesforce.com host) use test.salesforce.com; everything else is production.
 */
export function jwtAudience(org: OrgHost): string {
  const host = org.host.replace(/:\d+$/, '');
  return host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com') ? 'https://test.salesforce.com' : 'https://login.salesforce.com';
}

export function resolveAuth(credentials: Credentials, org: OrgHost, fail: (message: string) => never): Auth {
  const { flow, fields, path } = credentials;
  const value = (field: string): string => (fields[field] as string).trim();
  switch (flow) {
    case 'client_credentials':
      return { flow, clientId: value('client_id'), clientSecret: value('client_secret') };
    case 'refresh_token':
      return { flow, clientId: value('client_id'), clientSecret: value('client_secret'), refreshToken: value('refresh_token') };
    case 'jwt_bearer':
      return {
        flow,
        clientId: value('client_id'),
        username: value('username'),
        privateKey: parsePrivateKey(value('private_key'), fail, `'${path('private_key')}'`),
        audience: jwtAudience(org),
      };
  }
}
