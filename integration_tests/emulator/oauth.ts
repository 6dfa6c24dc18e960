/**
 * The Client Credentials token endpoint and the sessions it mints. Error bodies and their order of
 * precedence imitate a My Domain host; `myDomain: false` imitates login.salesforce.com, which
 * refuses this flow outright.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { OAuthError } from './errors.js';

export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** default true: the connected app has a Run-As user */
  runAsUser?: boolean;
  /** default true: the Client Credentials flow is enabled on the app */
  flowEnabled?: boolean;
}

export interface TokenPolicy {
  ttlRequests?: number;
  ttlMs?: number;
}

interface Session {
  mintedAt: number;
  uses: number;
  generation: number;
}

export interface TokenRequest {
  form: URLSearchParams;
  authorization: string | undefined;
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

export class TokenService {
  private readonly sessions = new Map<string, Session>();
  private generation = 0;
  issued = 0;

  constructor(
    private readonly clients: EmulatorClient[],
    private readonly policy: TokenPolicy,
    private readonly ids: { orgId: string; userId: string },
  ) {}

  /**
   * The 200 body, or throws OAuthError. `instanceUrl` is the emulator's base URL. `dry` answers
   * without opening a session (an answer lost in transit leaves no usable token behind).
   */
  mint(req: TokenRequest, instanceUrl: string, myDomain: boolean, dry = false): Record<string, string> {
    const grant = req.form.get('grant_type');
    if (!grant) throw new OAuthError('invalid_request', 'grant type is missing');
    if (!myDomain) throw new OAuthError('invalid_grant', 'request not supported on this domain');
    if (grant !== 'client_credentials') throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    const { clientId, clientSecret } = credentials(req);
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    if (client.clientSecret !== clientSecret) throw new OAuthError('invalid_client', 'invalid client credentials');
    if (client.flowEnabled === false) throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    if (client.runAsUser === false) throw new OAuthError('invalid_grant', 'no client credentials user enabled');

    const token = this.newToken(dry);
    const issuedAt = String(Date.now());
    const id = `${instanceUrl}/id/${this.ids.orgId}/${this.ids.userId}`;
    if (!dry) this.issued++;
    return {
      access_token: token,
      signature: createHmac('sha256', client.clientSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: 'api',
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }

  private newToken(dry: boolean): string {
    const bytes = randomBytes(96);
    let body = '';
    for (const b of bytes) body += TOKEN_ALPHABET[b % TOKEN_ALPHABET.length];
    const token = `${this.ids.orgId.slice(0, 15)}!AQ${body}`;
    if (!dry) this.sessions.set(token, { mintedAt: Date.now(), uses: 0, generation: this.generation });
    return token;
  }

  /** Run-time request TTL from fault injection (FaultOptions.sessionExpiresEvery); applies with ttlRequests. */
  faultTtlRequests: number | undefined;
  /** 401s caused by faultTtlRequests alone, reported as faultsInjected.session_expired. */
  faultExpiries = 0;

  /**
   * Counts one use of the token; false once it is unknown, expired by either TTL, or revoked by
   * expireAll(). A token with ttlRequests N serves N requests and fails from the (N+1)-th.
   */
  use(authorization: string | undefined): boolean {
    const session = this.valid(authorization);
    if (session) session.uses++;
    return session !== null;
  }

  /** Whether the token would be accepted, without counting a use (for answers that never reach the org). */
  check(authorization: string | undefined): boolean {
    return this.valid(authorization, false) !== null;
  }

  private valid(authorization: string | undefined, countExpiry = true): Session | null {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '') ?? /^OAuth\s+(\S+)$/i.exec(authorization ?? '');
    const session = m ? this.sessions.get(m[1]) : undefined;
    if (!session || session.generation !== this.generation) return null;
    if (this.policy.ttlMs !== undefined && Date.now() - session.mintedAt >= this.policy.ttlMs) return null;
    if (this.policy.ttlRequests !== undefined && session.uses >= this.policy.ttlRequests) return null;
    if (this.faultTtlRequests !== undefined && session.uses >= this.faultTtlRequests) {
      // A session that expired stays expired, even if the fault is switched off later.
      if (countExpiry) {
        this.faultExpiries++;
        this.sessions.delete(m![1]);
      }
      return null;
    }
    return session;
  }

  expireAll(): void {
    this.generation++;
    this.sessions.clear();
  }
}

/** client_id/client_secret from the form body, or from HTTP Basic when the body lacks them. */
function credentials(req: TokenRequest): { clientId: string | null; clientSecret: string | null } {
  let clientId = req.form.get('client_id');
  let clientSecret = req.form.get('client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(req.authorization ?? '');
  if (basic && (clientId === null || clientSecret === null)) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      clientId ??= formDecode(decoded.slice(0, colon));
      clientSecret ??= formDecode(decoded.slice(colon + 1));
    }
  }
  return { clientId, clientSecret };
}

/** RFC 6749 §2.3.1 form-encodes Basic credentials, but many clients do not; accept both. */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
