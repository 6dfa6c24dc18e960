/**
 * The form each login flow posts to the token endpoint. The JWT bearer assertion is one RS256
 * signature over a header and four claims, made with Node's crypto: no JWT library is needed for it.
 */
import { sign } from 'node:crypto';
import type { Auth } from '../config/auth.js';

export const JWT_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce asks for an `exp` within three minutes; it refuses one its own clock has passed. */
const JWT_LIFETIME_SECONDS = 180;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** `nowMs`: Salesforce's time, not this machine's (token-provider.ts), since its clock judges `exp`. */
export function jwtAssertion(auth: Extract<Auth, { flow: 'jwt_bearer' }>, nowMs: number): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({ iss: auth.clientId, sub: auth.username, aud: auth.audience, exp: Math.floor(nowMs / 1000) + JWT_LIFETIME_SECONDS }),
  );
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), auth.privateKey);
  return `${header}.${claims}.${base64url(signature)}`;
}

/** The form for one token request; `refreshToken` is the newest one this run holds, `nowMs` Salesforce's time. */
export function grantForm(auth: Auth, refreshToken: string | undefined, nowMs: number): Record<string, string> {
  switch (auth.flow) {
    case 'client_credentials':
      return { grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret };
    case 'refresh_token':
      return { grant_type: 'refresh_token', client_id: auth.clientId, client_secret: auth.clientSecret, refresh_token: refreshToken ?? auth.refreshToken };
    case 'jwt_bearer':
      return { grant_type: JWT_GRANT_TYPE, assertion: jwtAssertion(auth, nowMs) };
  }
}
