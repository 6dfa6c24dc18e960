/**
 * Mints access tokens with the OAuth 2.0 Client Credentials flow. Tokens live in memory only. The
 * flow returns no expiry, so a token is re-minted proactively once it is older than the shortest
 * session timeout an org can set, and on demand after a 401; concurrent callers share one mint.
 */
import type { Got } from 'got';
import type { ResolvedConfig } from '../config/load-config.js';
import type { Redactor } from '../protocol/redactor.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, SystemError, TransientError } from '../errors.js';
import { classifyOAuthError, type OAuthErrorBody } from './oauth-errors.js';
import { requestOrClassify } from './request.js';

export interface AccessToken {
  accessToken: string;
  instanceUrl: string;
  mintedAt: number;
  /** set once Salesforce has accepted the token for any call */
  accepted: boolean;
}

const UNREADABLE_TOKEN_RETRIES = 3;

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class TokenProvider {
  private token?: AccessToken;
  private pending?: Promise<AccessToken>;
  mints = 0;

  constructor(
    private readonly http: Got,
    private readonly config: ResolvedConfig,
    private readonly redactor: Redactor,
    /** Orgs can set the session timeout as low as 15 minutes; renewing before that keeps a margin. */
    private readonly maxAgeMs: number,
    /** the client's pause before repeating a call whose answer did not parse */
    private readonly retryDelayMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    redactor.add(config.clientSecret);
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

  /** The token endpoint's answer; a 200 whose body was cut off in transit is asked for again (minting is harmless). */
  private async requestToken() {
    const { org, clientId, clientSecret } = this.config;
    for (let attempt = 0; ; attempt++) {
      const response = await requestOrClassify(org.host, () =>
        this.http.post(`${org.origin}/services/oauth2/token`, {
          form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
          throwHttpErrors: false,
          retry: { methods: ['POST'] }, // minting has no side effect worth protecting; retry outages
        }),
      );
      const body = parseObject(response.body);
      // A non-JSON error answer is judged by the caller, as "not Salesforce" or an outage.
      if (body || response.statusCode !== 200) return { response, body: body ?? {} };
      if (attempt >= UNREADABLE_TOKEN_RETRIES) {
        throw new TransientError('Salesforce sent an unreadable answer for /services/oauth2/token; the next run will try again.', {
          internalMessage: `token endpoint HTTP 200 with ${response.body.length} bytes that do not parse as JSON`,
        });
      }
      await sleep(this.retryDelayMs * 2 ** attempt);
    }
  }

  private async mint(): Promise<AccessToken> {
    const { org } = this.config;
    const { response, body } = await this.requestToken();
    if (response.statusCode !== 200) {
      if (typeof body.error !== 'string' && response.statusCode < 500) {
        throw new ConfigError(
          `${org.host} did not answer like a Salesforce org (HTTP ${response.statusCode} from the token endpoint); check the hostname against Setup > My Domain.`,
          { internalMessage: `token endpoint HTTP ${response.statusCode}` },
        );
      }
      throw classifyOAuthError(response.statusCode, body as OAuthErrorBody, org.host);
    }
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || !accessToken) {
      throw new SystemError('Salesforce answered the token request without an access token.', { internalMessage: `keys: ${Object.keys(body).join(',')}` });
    }
    this.redactor.add(accessToken);
    // The API is called on the configured My Domain host, which is what instance_url names for this
    // flow; trusting the answer instead would let a misconfigured proxy redirect our token elsewhere.
    const instanceUrl = org.origin;
    this.mints++;
    this.token = { accessToken, instanceUrl, mintedAt: this.now(), accepted: false };
    return this.token;
  }
}
