/**
 * Maps the token endpoint's answers to what the operator must do in Salesforce. Salesforce's own
 * texts ("invalid client credentials", "invalid assertion", "expired access/refresh token") do not
 * say which pasted value or which app setting is wrong; these messages do, for the flow in use.
 */
import { ConfigError, TransientError, type ConnectorError } from '../../runtime/errors.js';
import type { LoginFlow } from '../config/hostname.js';
import type { TokenRequestFacts } from './failures.js';

export interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

const FLOW_NAMES = { client_credentials: 'Client Credentials', refresh_token: 'refresh token', jwt_bearer: 'JWT bearer' } as const;

/** How the config names a login field: credentials.client_secret, or client_secret in a flat config. */
const fieldOf = (request: TokenRequestFacts, field: string) => `${request.loginFieldPrefix ?? ''}${field}`;
/** The same, as an aside after Salesforce's own name for the value, when the two differ. */
const asideOf = (request: TokenRequestFacts, field: string) => (request.loginFieldPrefix ? ` (${fieldOf(request, field)})` : '');

/** Salesforce's refusal of a JWT whose `exp` its clock has passed (400 invalid_grant, "expired authorization code"). */
export function isExpiredAssertion(flow: LoginFlow, code: string | undefined, description: string | undefined): boolean {
  return flow === 'jwt_bearer' && code === 'invalid_grant' && (description ?? '').toLowerCase().includes('expired authorization code');
}

/** "10 minutes ahead of this machine's clock": where an answer's Date put Salesforce's clock. */
function clockDifference(skewMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  // A Date counts whole seconds, so a second either way is no difference.
  if (seconds <= 1) return "level with this machine's clock";
  const size = seconds < 120 ? `${seconds} seconds` : `${Math.round(seconds / 60)} minutes`;
  return `${size} ${skewMs < 0 ? 'behind' : 'ahead of'} this machine's clock`;
}

/**
 * Refusals that read the same whatever the flow. `description` is lower-cased for matching; `said`
 * is Salesforce's text as sent, which is what a message quotes.
 */
function anyFlow(code: string, description: string, request: TokenRequestFacts, said: string): string | undefined {
  if (code === 'invalid_client_id') {
    return `Salesforce does not know this client_id${asideOf(request, 'client_id')}; paste the Consumer Key of the External Client App exactly as shown under its OAuth settings.`;
  }
  if (code === 'invalid_client') {
    return `Salesforce rejected the client_secret for this client_id${asideOf(request, 'client_secret')}; paste the app's current Consumer Secret (it changes when the secret is rotated).`;
  }
  if (code === 'invalid_grant' && description.includes('ip restricted')) {
    return (
      "Salesforce refused the login from this machine's IP address (ip restricted); add the connector's outbound IP to the integration user's profile " +
      `Login IP Ranges, or set the app's IP Relaxation to "Relax IP restrictions" (${FLOW_NAMES[request.flow]} flow).`
    );
  }
  if (code === 'invalid_grant' && (description.includes('user is locked') || description.includes('inactive user'))) {
    return `Salesforce refused the login because the integration user is locked or inactive (${said}); unlock or reactivate the user in Setup > Users.`;
  }
  return undefined;
}

function clientCredentials(code: string, description: string, request: TokenRequestFacts, said: string): string | undefined {
  if (code === 'invalid_grant' && description.includes('no client credentials user')) {
    return 'The app has no Run As user for the Client Credentials flow; in the app\'s OAuth policies set "Run As" to your read-only integration user.';
  }
  if (code === 'invalid_grant' && description.includes('not supported on this domain')) {
    return `Salesforce refused the Client Credentials flow on ${request.host}; set hostname to your org's My Domain host (Setup > My Domain), such as acme.my.salesforce.com.`;
  }
  if (code === 'unsupported_grant_type') {
    return 'The Client Credentials flow is not enabled on this app; enable "Client Credentials Flow" in the app\'s OAuth settings and set its Run As user.';
  }
  if (code === 'invalid_app_access') {
    return "The Run As user is not allowed to use this app; pre-authorise the app for the integration user's profile or permission set.";
  }
  if (code === 'invalid_grant') {
    return `Salesforce refused to issue a token (${said || 'invalid_grant'}); check that the Run As user is active and that the app allows the Client Credentials flow.`;
  }
  return undefined;
}

function refreshToken(code: string, description: string, request: TokenRequestFacts, said: string): string | undefined {
  if (code === 'invalid_grant' && (description.includes('expired') || description.includes('revoked'))) {
    return (
      `Salesforce no longer accepts the refresh_token${asideOf(request, 'refresh_token')}, saying "${said}": it was revoked, expired under the app's Refresh Token Policy, ` +
      'or replaced by rotation in a run whose CONTROL message with the new token was not saved; use the config of that last CONTROL message, ' +
      'or authorize the source again to get a new refresh token (and set the app\'s Refresh Token Policy to "Refresh token is valid until revoked", ' +
      'or turn rotation off where the platform cannot store changed configs).'
    );
  }
  if (code === 'unsupported_grant_type') {
    return 'This app does not allow the refresh token flow; add the "Perform requests at any time (refresh_token, offline_access)" scope to the app and authorize again.';
  }
  if (code === 'invalid_app_access') {
    return (
      'The user who authorized the refresh token is not allowed to use this app; add the app to their profile or a permission set, ' +
      'or set the app\'s Permitted Users to "All users may self-authorize".'
    );
  }
  return undefined;
}

function jwtBearer(code: string, description: string, request: TokenRequestFacts, clockSkewMs: number | undefined): string | undefined {
  const user = request.username ? ` ${request.username}` : '';
  if (code === 'invalid_grant' && description.includes('audience')) {
    return (
      `Salesforce refused the JWT's audience (${request.audience ?? 'unknown'}); for a sandbox set hostname to test.salesforce.com or the sandbox's ` +
      'My Domain host (acme--dev.sandbox.my.salesforce.com), for production to login.salesforce.com or its My Domain host.'
    );
  }
  if (
    code === 'invalid_grant' &&
    (description.includes('not approved') || description.includes("hasn't approved") || description.includes('not admin approved'))
  ) {
    return (
      `The user${user} is not pre-authorized for this app (user hasn't approved this consumer); set the app's Permitted Users to ` +
      `"Admin approved users are pre-authorized" and add the app to that user's profile or a permission set, and check that ${fieldOf(request, 'username')} is exact.`
    );
  }
  if (code === 'invalid_grant' && description.includes('invalid assertion')) {
    return (
      'Salesforce could not verify the JWT\'s signature (invalid assertion): the certificate uploaded to the app under "Use digital signatures" ' +
      `is missing or was not made from ${fieldOf(request, 'private_key')}; upload the certificate of this key, or paste the key of the uploaded certificate.`
    );
  }
  if (isExpiredAssertion(request.flow, code, description)) {
    // With a Date, the assertion was already made again on it (token-provider.ts): the Date itself is suspect.
    return clockSkewMs === undefined
      ? "Salesforce refused the JWT as expired (expired authorization code): this machine's clock is probably minutes behind Salesforce's, and the answer " +
          "carried no Date header to take Salesforce's time from (a proxy may remove it); synchronise this machine's clock (NTP) and run again."
      : `Salesforce refused the JWT as expired (expired authorization code), also when made again on the time of its answer's Date, which is ` +
          `${clockDifference(clockSkewMs)}; synchronise this machine's clock (NTP), check that no proxy on the way to ` +
          `${request.host} rewrites the Date header, and run again.`;
  }
  if (code === 'unsupported_grant_type') {
    return `This app does not allow the JWT bearer flow; enable OAuth with "Use digital signatures" on the app, upload the certificate of ${fieldOf(request, 'private_key')}, and run again.`;
  }
  return undefined;
}

/** `clockSkewMs`: how far the refusal's Date ran ahead of this machine's clock, when it had one. */
export function classifyOAuthError(status: number, body: OAuthErrorBody, request: TokenRequestFacts, clockSkewMs?: number): ConnectorError {
  const code = body.error ?? '';
  const said = body.error_description ?? '';
  const description = said.toLowerCase();
  const internalMessage = `token endpoint answered ${status}: ${code}${body.error_description ? ` (${body.error_description})` : ''}`;
  if (status >= 500 || status === 429) {
    return new TransientError(`Salesforce's token endpoint on ${request.host} is unavailable (HTTP ${status}); the next run will try again.`, {
      internalMessage,
    });
  }
  const specific =
    anyFlow(code, description, request, said) ??
    (request.flow === 'client_credentials'
      ? clientCredentials(code, description, request, said)
      : request.flow === 'refresh_token'
        ? refreshToken(code, description, request, said)
        : jwtBearer(code, description, request, clockSkewMs));
  if (specific) return new ConfigError(specific, { internalMessage });
  if (code === 'invalid_grant') {
    return new ConfigError(
      `Salesforce refused to issue a token for the ${FLOW_NAMES[request.flow]} flow (${body.error_description ?? 'invalid_grant'}); check the app's OAuth settings and that the integration user is active.`,
      { internalMessage },
    );
  }
  return new ConfigError(
    `Salesforce refused to issue a token for the ${FLOW_NAMES[request.flow]} flow (${code || `HTTP ${status}`}); check ${fieldOf(request, 'client_id')} and the app's OAuth settings for that flow.`,
    { internalMessage },
  );
}
