/**
 * Maps the token endpoint's answers to what the operator must do in Salesforce. Salesforce's own
 * texts ("invalid client credentials", "request not supported on this domain") do not say which of
 * the three pasted values or which app setting is wrong; these messages do.
 */
import { ConfigError, TransientError, type ConnectorError } from '../../runtime/errors.js';

export interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

export function classifyOAuthError(status: number, body: OAuthErrorBody, host: string): ConnectorError {
  const code = body.error ?? '';
  const description = (body.error_description ?? '').toLowerCase();
  const internalMessage = `token endpoint answered ${status}: ${code}${body.error_description ? ` (${body.error_description})` : ''}`;
  const config = (message: string) => new ConfigError(message, { internalMessage });

  if (status >= 500 || status === 429) {
    return new TransientError(`Salesforce's token endpoint on ${host} is unavailable (HTTP ${status}); the next run will try again.`, { internalMessage });
  }
  if (code === 'invalid_client_id') {
    return config('Salesforce does not know this client_id; paste the Consumer Key of the External Client App exactly as shown under its OAuth settings.');
  }
  if (code === 'invalid_client') {
    return config("Salesforce rejected the client_secret for this client_id; paste the app's current Consumer Secret (it changes when the secret is rotated).");
  }
  if (code === 'invalid_grant' && description.includes('no client credentials user')) {
    return config('The app has no Run As user for the Client Credentials flow; in the app\'s OAuth policies set "Run As" to your read-only integration user.');
  }
  if (code === 'invalid_grant' && description.includes('not supported on this domain')) {
    return config(
      `Salesforce refused the Client Credentials flow on ${host}; set hostname to your org's My Domain host (Setup > My Domain), such as acme.my.salesforce.com.`,
    );
  }
  if (code === 'unsupported_grant_type') {
    return config(
      'The Client Credentials flow is not enabled on this app; enable "Client Credentials Flow" in the app\'s OAuth settings and set its Run As user.',
    );
  }
  if (code === 'invalid_app_access') {
    return config("The Run As user is not allowed to use this app; pre-authorise the app for the integration user's profile or permission set.");
  }
  if (code === 'invalid_grant') {
    return config(
      `Salesforce refused to issue a token (${body.error_description ?? 'invalid_grant'}); check that the Run As user is active and that the app allows the Client Credentials flow.`,
    );
  }
  return config(
    `Salesforce refused to issue a token (${code || `HTTP ${status}`}); check the client_id, client_secret and the app's Client Credentials settings.`,
  );
}
