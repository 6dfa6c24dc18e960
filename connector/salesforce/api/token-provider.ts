/**
 * Mints access tokens with the OAuth 2.0 Client Credentials flow. Tokens live in memory only. The
 * flow returns no expiry, so a token is re-minted proactively once it is older than the shortest
 * session timeout an org can set, and on demand after a 401; concurrent callers share one mint.
 * Outages and answers cut off in transit are repeated by the request policy (minting is harmless).
 */
import type { ResolvedConfig } from '../config/load-config.js';
import type { Redactor } from '../../runtime/redactor.js';
import { MalformedAnswerError, OAuthError, UnreadableAnswerError } from './failures.js';
import type { Answer, RequestPolicy } from './request-policy.js';
import { parseRetryAfter } from './retry-rules.js';

export interface AccessToken {
  accessToken: string;
  instanceUrl: string;
  mintedAt: number;
  /** set once Salesforce has accepted the token for any call */
  accepted: boolean;
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

export class TokenProvider {
  private token?: AccessToken;
  private pending?: Promise<AccessToken>;

  constructor(
    private readonly policy: RequestPolicy,
    private readonly config: ResolvedConfig,
    private readonly redactor: Redactor,
    /** Orgs can set the session timeout as low as 15 minutes; renewing before that keeps a margin. */
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    redactor.addCredentials(config.clientId, config.clientSecret);
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

  private async mint(): Promise<AccessToken> {
    const { org, clientId, clientSecret } = this.config;
    const accessToken = await this.policy.call(
      {
        method: 'POST',
        url: new URL(`${org.origin}${TOKEN_PATH}`),
        form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        context: { action: 'get an access token' },
      },
      (answer) => this.accessTokenOf(answer),
    );
    this.redactor.add(accessToken);
    // The API is called on the configured My Domain host, which is what instance_url names for this
    // flow; trusting the answer instead would let a misconfigured proxy send our token elsewhere.
    this.token = { accessToken, instanceUrl: org.origin, mintedAt: this.now(), accepted: false };
    return this.token;
  }

  private accessTokenOf(answer: Answer): string {
    const body = parseObject(answer.text);
    if (answer.status !== 200) {
      const error = typeof body?.error === 'string' ? body.error : undefined;
      const description = typeof body?.error_description === 'string' ? this.redactor.redact(body.error_description) : undefined;
      throw new OAuthError(answer.status, error, description, this.config.org.host, parseRetryAfter(answer.headers['retry-after']));
    }
    // Not JSON: cut off in transit, worth asking again. JSON without a token: not Salesforce.
    if (!body) throw new UnreadableAnswerError(TOKEN_PATH, Buffer.byteLength(answer.text), 'not a JSON object');
    const token = body.access_token;
    if (typeof token !== 'string' || !token) throw new MalformedAnswerError(TOKEN_PATH, `access_token (keys: ${Object.keys(body).join(',')})`);
    return token;
  }
}
