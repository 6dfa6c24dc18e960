/**
 * The token endpoint (Client Credentials, refresh token and JWT bearer grants) and the sessions it
 * mints. Error bodies and their order of precedence imitate a My Domain host; `myDomain: false`
 * imitates login.salesforce.com, which refuses Client Credentials outright but serves the other two.
 */
import { X509Certificate, createHmac, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { OAuthError } from './errors.js';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The integration user's username, as a JWT's `sub` names it. */
export const EMULATOR_USERNAME = 'integration@emulator.example';

export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** default true: the connected app has a Run-As user */
  runAsUser?: boolean;
  /** default true: the Client Credentials flow is enabled on the app */
  flowEnabled?: boolean;
  /** Refresh Token Rotation on the app: each refresh answers a new refresh token and retires the used one. */
  rotateRefreshTokens?: boolean;
  /** the app's Refresh Token Policy; 'immediately' expires every refresh token once issued */
  refreshTokenPolicy?: 'until_revoked' | 'immediately';
  /** PEM certificate (or public key) uploaded under "Use digital signatures"; without it JWTs fail */
  certificate?: string;
  /** usernames pre-authorized for the app (profile or permission set); default [EMULATOR_USERNAME] */
  preAuthorizedUsers?: string[];
  /** the user's Login IP Ranges exclude the caller: every grant answers "ip restricted" */
  ipRestricted?: boolean;
}

/** Where the token request arrived and what the org is. */
export interface TokenContext {
  /** the emulator's own base URL */
  url: string;
  /** what token answers name as instance_url (default: url; a test can make it name anything) */
  instanceUrl: string;
  myDomain: boolean;
  sandbox: boolean;
  /** the org's clock, in epoch ms (ahead of the caller's when a test wants clock skew) */
  now: number;
  /** the answer is lost in transit: no session opens (a rotation still happens, as at Salesforce) */
  dry: boolean;
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
  /** refresh tokens this org issued and still honours, with the client they belong to */
  private readonly refreshTokens = new Map<string, string>();
  private generation = 0;
  issued = 0;
  /** refresh tokens replaced by rotation */
  rotations = 0;

  constructor(
    private readonly clients: EmulatorClient[],
    private readonly policy: TokenPolicy,
    private readonly ids: { orgId: string; userId: string },
  ) {}

  /** The 200 body, or throws OAuthError. */
  mint(req: TokenRequest, ctx: TokenContext): Record<string, string> {
    const grant = req.form.get('grant_type');
    if (!grant) throw new OAuthError('invalid_request', 'grant type is missing');
    if (grant === 'client_credentials') return this.clientCredentials(req, ctx);
    if (grant === 'refresh_token') return this.refresh(req, ctx);
    if (grant === JWT_GRANT) return this.jwtBearer(req, ctx);
    throw new OAuthError('unsupported_grant_type', 'grant type not supported');
  }

  /** What the authorization-code flow leaves behind: a refresh token for `clientId`. */
  issueRefreshToken(clientId: string): string {
    const token = `5Aep861${randomToken(80)}`;
    this.refreshTokens.set(token, clientId);
    return token;
  }

  revokeRefreshToken(token: string): void {
    this.refreshTokens.delete(token);
  }

  private clientCredentials(req: TokenRequest, ctx: TokenContext): Record<string, string> {
    if (!ctx.myDomain) throw new OAuthError('invalid_grant', 'request not supported on this domain');
    const { clientId, clientSecret } = credentials(req);
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    if (client.clientSecret !== clientSecret) throw new OAuthError('invalid_client', 'invalid client credentials');
    if (client.flowEnabled === false) throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    if (client.runAsUser === false) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
    if (client.ipRestricted) throw new OAuthError('invalid_grant', 'ip restricted');
    return this.answer(client, ctx);
  }

  private refresh(req: TokenRequest, ctx: TokenContext): Record<string, string> {
    const { clientId, clientSecret } = credentials(req);
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    if (clientSecret !== null && client.clientSecret !== clientSecret) throw new OAuthError('invalid_client', 'invalid client credentials');
    const used = req.form.get('refresh_token') ?? '';
    if (this.refreshTokens.get(used) !== client.clientId || client.refreshTokenPolicy === 'immediately') {
      throw new OAuthError('invalid_grant', 'expired access/refresh token');
    }
    if (client.ipRestricted) throw new OAuthError('invalid_grant', 'ip restricted');
    const answer = this.answer(client, ctx);
    if (!client.rotateRefreshTokens) return answer;
    this.refreshTokens.delete(used);
    this.rotations++;
    return { ...answer, refresh_token: this.issueRefreshToken(client.clientId) };
  }

  private jwtBearer(req: TokenRequest, ctx: TokenContext): Record<string, string> {
    const parts = (req.form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) throw new OAuthError('invalid_grant', 'invalid assertion');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new OAuthError('invalid_grant', 'invalid assertion');
    }
    const client = this.clients.find((c) => c.clientId === claims.iss);
    if (!client) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    const key = client.certificate ? publicKeyOf(client.certificate) : undefined;
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (header.alg !== 'RS256' || !key || !verify('RSA-SHA256', signed, key, Buffer.from(parts[2], 'base64url'))) {
      throw new OAuthError('invalid_grant', 'invalid assertion');
    }
    const audiences = [ctx.sandbox ? 'https://test.salesforce.com' : 'https://login.salesforce.com', ctx.url];
    if (typeof claims.aud !== 'string' || !audiences.includes(claims.aud)) throw new OAuthError('invalid_grant', 'audience is invalid');
    // Judged by the org's clock, however far it runs from the caller's.
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= ctx.now) throw new OAuthError('invalid_grant', 'expired authorization code');
    if (!(client.preAuthorizedUsers ?? [EMULATOR_USERNAME]).includes(String(claims.sub))) {
      throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
    }
    if (client.ipRestricted) throw new OAuthError('invalid_grant', 'ip restricted');
    return this.answer(client, ctx);
  }

  private answer(client: EmulatorClient, ctx: TokenContext): Record<string, string> {
    const token = this.newToken(ctx.dry);
    const issuedAt = String(Date.now());
    const id = `${ctx.url}/id/${this.ids.orgId}/${this.ids.userId}`;
    if (!ctx.dry) this.issued++;
    return {
      access_token: token,
      signature: createHmac('sha256', client.clientSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: 'api',
      instance_url: ctx.instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }

  private newToken(dry: boolean): string {
    const token = `${this.ids.orgId.slice(0, 15)}!AQ${randomToken(96)}`;
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

function randomToken(length: number): string {
  let body = '';
  for (const b of randomBytes(length)) body += TOKEN_ALPHABET[b % TOKEN_ALPHABET.length];
  return body;
}

/** The public key of an uploaded certificate (or of a bare public key, for tests). */
function publicKeyOf(pem: string): KeyObject | undefined {
  try {
    return pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch {
    return undefined;
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
