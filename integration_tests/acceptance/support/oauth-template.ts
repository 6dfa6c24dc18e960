/**
 * Renders spec.json's advanced_auth URL templates the way Airbyte's platform does for a declarative
 * OAuth flow (DeclarativeOAuthSpecHandler in airbyte-platform): Jinja `{{ name }}` with the `replace`
 * filter, over the values the platform computes. Only that subset is understood; any other template
 * syntax throws, since the platform's sandboxed renderer refuses most of Jinja.
 */

/** java.net.URLEncoder.encode(s, UTF_8): what the platform encodes redirect_uri and scope with. */
export function javaUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface OAuthInputs {
  /** the user inputs from the connector config (oauth_user_input_from_connector_config_specification), e.g. hostname */
  inputs: Record<string, string>;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  state: string;
  authCode: string;
  /** oauth_connector_input_specification.scope */
  scope: string;
}

/** The template values the platform offers: each input, plus client_id_param, redirect_uri_param and the rest. */
export function templateValues(o: OAuthInputs): Record<string, string> {
  return {
    ...o.inputs,
    client_id_value: o.clientId,
    client_id_param: `client_id=${o.clientId}`,
    client_secret_value: o.clientSecret,
    client_secret_param: `client_secret=${o.clientSecret}`,
    redirect_uri_value: o.redirectUri,
    redirect_uri_param: `redirect_uri=${javaUrlEncode(o.redirectUri)}`,
    state_value: o.state,
    state_param: `state=${o.state}`,
    scope_value: o.scope,
    scope_param: `scope=${javaUrlEncode(o.scope)}`,
    auth_code_value: o.authCode,
    auth_code_param: `code=${o.authCode}`,
  };
}

const EXPRESSION = /\{\{(.*?)\}\}/g;
const FILTER = /^replace\('([^']*)',\s*'([^']*)'\)$/;

export function renderTemplate(template: string, values: Record<string, string>): string {
  if (/\{%|\{#/.test(template.replace(EXPRESSION, ''))) throw new Error(`template uses a Jinja tag or comment: ${template}`);
  return template.replace(EXPRESSION, (_match, body: string) => {
    const [name, ...filters] = body.split('|').map((part) => part.trim());
    if (!/^[a-z_]+$/.test(name)) throw new Error(`template expression is not a plain name: {{${body}}}`);
    if (!(name in values)) throw new Error(`template names ${name}, which the platform does not provide`);
    return filters.reduce((value, filter) => {
      const replace = FILTER.exec(filter);
      if (!replace) throw new Error(`template uses a filter other than replace: ${filter}`);
      return value.split(replace[1]).join(replace[2]);
    }, values[name]);
  });
}
