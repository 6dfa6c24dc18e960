/**
 * Mints access tokens with the configured OAuth flow (Client Credentials, refresh token or JWT
 * bearer). Tokens live in memory only. No flow returns an expiry, so a token is re-minted
 * proactively once it is older than the shortest session timeout an org can set, and on demand
 * after a 401; concurrent callers share one mint. Outages and answers cut off in transit are
 * repeated by the request policy.
 *
 * A refresh token that Salesforce rotates is handed to `persistConfig` (the platform stores it)
 * before the access token minted with it is released to any caller, and every later mint uses it.
 *
 * A JWT's `exp` is judged by Salesforce's clock, not ours, so it is set on Salesforce's time: the
 * token endpoint's as its answers' Date shows it, else the org's (org-clock.ts), else, before any
 * answer, this machine's. When that first guess is refused as expired, the refusal's own Date shows
 * Salesforce's time, and the assertion is made once more on it; a second refusal is the operator's.
 */
import type { ResolvedConfig } from '../config/load-config.js';
import type { Redactor } from '../../runtime/redactor.js';
import type { PersistConfig } from '../../runtime/source.js';
import { MalformedAnswerError, OAuthError, UnreadableAnswerError, type TokenRequestFacts } from './failures.js';
import { apiOrigin } from './instance-url.js';
import type { Answer, RequestPolicy } from './request-policy.js';
import { parseRetryAfter } from './retry-rules.js';
import { answerDate, OrgClock } from './org-clock.js';
import { isExpiredAssertion } from './oauth-errors.js';
import { grantForm } from './token-grant.js';
import { withRefreshToken } from '../config/credentials.js';

export interface AccessToken {
  accessToken: string;
  /** the origin API calls go to: the My Domain host, or what a login host's answer named */
  instanceUrl: string;
  mintedAt: number;
  /** set once Salesforce has accepted the token for any call */
  accepted: boolean;
}

interface TokenAnswer {
  accessToken: string;
  instanceUrl: unknown;
  refreshToken?: string;
}

const TOKEN_PATH = '/services/oauth2/token';

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Registers every secret the config holds, in every spelling, before any call is made. */
function redactConfigSecrets(config: ResolvedConfig, redactor: Redactor): void {
  const { auth } = config;
  if (auth.flow !== 'jwt_bearer') redactor.addCredentials(auth.clientId, auth.clientSecret);
  if (auth.flow === 'refresh_token') redactor.add(auth.refreshToken);
  const pem = config.credentials.fields.private_key;
  if (typeof pem === 'string') {
    redactor.add(pem);
    // A key can surface line by line, or with its whitespace changed.
    for (const line of pem.split(/\\n|\s+/)) if (line.length >= 16 && !line.startsWith('-----')) redactor.add(line);
  }
}

export class TokenProvider {
  private token?: AccessToken;
  private pending?: Promise<AccessToken>;
  private origin?: string;
  /** the config the platform holds (see ResolvedConfig.stored), with the newest refresh token once Salesforce rotated it */
  private config: Record<string, unknown>;
  /** the newest refresh token: the configured one until Salesforce rotates it */
  private refreshToken?: string;
  /** the token endpoint's clock, as its answers' Date shows it: the one that judges a JWT */
  private readonly endpointClock = new OrgClock();

  constructor(
    private readonly policy: RequestPolicy,
    private readonly resolved: ResolvedConfig,
    private readonly redactor: Redactor,
    /** Orgs can set the session timeout as low as 15 minutes; renewing before that keeps a margin. */
    private readonly maxAgeMs: number,
    /** the org's clock as the data API's answers show it */
    private readonly orgClock: OrgClock,
    private readonly persistConfig?: PersistConfig,
    private readonly now: () => number = Date.now,
  ) {
    redactConfigSecrets(resolved, redactor);
    this.config = resolved.stored;
    if (resolved.auth.flow === 'refresh_token') this.refreshToken = resolved.auth.refreshToken;
  }

  /** The origin API calls go to: the configured host's until a token answer names the org's own. */
  get apiOrigin(): string {
    return this.origin ?? this.resolved.org.origin;
  }

  get apiHost(): string {
    return new URL(this.apiOrigin).host;
  }

  /** The current token, minting one first when there is none or it is due for renewal. */
  current(): Promise<AccessToken> {
    if (this.pending) return this.pending;
    if (this.token && this.now() - this.token.mintedAt < this.maxAgeMs) return Promise.resolve(this.token);
    return this.mintShared();
  }

  /** A token other than `stale`: the one another caller already renewed, or a fresh one. */
  renew(stale: AccessToken): Promise<AccessToken> {
    if (this.pending) return this.pending;
    if (this.token && this.token !== stale) return Promise.resolve(this.token);
    return this.mintShared();
  }

  private mintShared(): Promise<AccessToken> {
    this.pending = this.mint().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private facts(): TokenRequestFacts {
    const { auth, org } = this.resolved;
    const loginFieldPrefix = this.resolved.credentials.path('');
    return { flow: auth.flow, host: org.host, loginFieldPrefix, ...(auth.flow === 'jwt_bearer' ? { audience: auth.audience, username: auth.username } : {}) };
  }

  private async mint(): Promise<AccessToken> {
    const { org, auth } = this.resolved;
    const facts = this.facts();
    const answer = await this.grant(facts).catch((error: unknown) => {
      // Refused by Salesforce's clock, which the refusal's Date showed (endpointClock): once more on it.
      if (error instanceof OAuthError && error.clockSkewMs !== undefined && isExpiredAssertion(auth.flow, error.error, error.description)) {
        return this.grant(facts);
      }
      throw error;
    });
    this.redactor.add(answer.accessToken);
    if (auth.flow === 'refresh_token' && answer.refreshToken && answer.refreshToken !== this.refreshToken) await this.rotated(answer.refreshToken);
    // The first answer decides where this run's calls go; a later one cannot move them.
    this.origin ??= apiOrigin(org, auth.flow, answer.instanceUrl);
    this.token = { accessToken: answer.accessToken, instanceUrl: this.origin, mintedAt: this.now(), accepted: false };
    return this.token;
  }

  /** One token request through the request policy, its JWT (if any) made on Salesforce's time. */
  private grant(facts: TokenRequestFacts): Promise<TokenAnswer> {
    const { org, auth } = this.resolved;
    const salesforceNow = this.endpointClock.known ? this.endpointClock.now() : this.orgClock.now();
    const form = grantForm(auth, this.refreshToken, salesforceNow);
    this.redactor.add(form.assertion);
    return this.policy.call({ method: 'POST', url: new URL(`${org.origin}${TOKEN_PATH}`), form, context: { action: 'get an access token' } }, (reply) =>
      this.tokenAnswerOf(reply, facts),
    );
  }

  /**
   * Salesforce replaced the refresh token and the old one no longer works: the new one must reach
   * the platform before anything else happens, or the next run could not log in.
   */
  private async rotated(refreshToken: string): Promise<void> {
    this.redactor.add(refreshToken);
    this.refreshToken = refreshToken;
    this.config = withRefreshToken(this.config, refreshToken);
    await this.persistConfig?.(this.config);
  }

  private tokenAnswerOf(answer: Answer, facts: TokenRequestFacts): TokenAnswer {
    this.endpointClock.observe(answer.headers);
    const body = parseObject(answer.text);
    if (answer.status !== 200) {
      const error = typeof body?.error === 'string' ? body.error : undefined;
      const description = typeof body?.error_description === 'string' ? this.redactor.redact(body.error_description) : undefined;
      const dated = answerDate(answer.headers);
      const skewMs = dated === undefined ? undefined : dated - this.now();
      throw new OAuthError(answer.status, error, description, facts, parseRetryAfter(answer.headers['retry-after'], dated), skewMs);
    }
    // Not JSON: cut off in transit, worth asking again. JSON without a token: not Salesforce.
    if (!body) throw new UnreadableAnswerError(TOKEN_PATH, Buffer.byteLength(answer.text), 'not a JSON object');
    const token = body.access_token;
    if (typeof token !== 'string' || !token) throw new MalformedAnswerError(TOKEN_PATH, `access_token (keys: ${Object.keys(body).join(',')})`);
    const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined;
    return { accessToken: token, instanceUrl: body.instance_url, refreshToken };
  }
}
