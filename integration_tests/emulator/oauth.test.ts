import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, sign } from 'node:crypto';
import type { Emulator } from './index.js';
import { JWT_GRANT } from './oauth.js';
import { call, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { EMULATOR_USERNAME, jwtKeys, startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

const TOKEN_PATH = '/services/oauth2/token';

async function postToken(emu: Emulator, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(emu.url + TOKEN_PATH, { method: 'POST', body: new URLSearchParams(form), headers });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, string>,
    limit: res.headers.get('sforce-limit-info'),
    date: res.headers.get('date'),
  };
}

const good = { grant_type: 'client_credentials', client_id: 'demo-client-id', client_secret: 'demo-client-secret' };

describe('OAuth client credentials', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({
      clients: [
        { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
        { clientId: 'no-run-as', clientSecret: 's1', runAsUser: false },
        { clientId: 'flow-off', clientSecret: 's2', flowEnabled: false },
      ],
      counts: { Account: 5, Contact: 5, Lead: 5, Opportunity: 5, Case: 5, User: 3 },
    });
  });
  afterAll(() => emu.close());

  it('mints a token in the documented shape, with a valid signature', async () => {
    const { status, body, limit } = await postToken(emu, good);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['access_token', 'signature', 'scope', 'instance_url', 'id', 'token_type', 'issued_at']);
    expect(body.access_token).toMatch(/^00D[A-Za-z0-9]{12}!/);
    expect(body.instance_url).toBe(emu.url);
    expect(body.token_type).toBe('Bearer');
    expect(body.issued_at).toMatch(/^\d{13}$/);
    expect(body.id).toMatch(/\/id\/00D[A-Za-z0-9]{15}\/005[A-Za-z0-9]{15}$/);
    const expected = createHmac('sha256', 'demo-client-secret')
      .update(body.id + body.issued_at)
      .digest('base64');
    expect(body.signature).toBe(expected);
    expect(limit).toBeNull();
  });

  it('mints a different token each time and counts them', async () => {
    const before = emu.tokensIssued;
    const a = await postToken(emu, good);
    const b = await postToken(emu, good);
    expect(a.body.access_token).not.toBe(b.body.access_token);
    expect(emu.tokensIssued).toBe(before + 2);
  });

  it('accepts HTTP Basic client authentication', async () => {
    const basic = Buffer.from('demo-client-id:demo-client-secret').toString('base64');
    const { status, body } = await postToken(emu, { grant_type: 'client_credentials' }, { Authorization: `Basic ${basic}` });
    expect(status).toBe(200);
    const described = await call(emu, `${V}/sobjects`, body.access_token);
    expect(described.status).toBe(200);
  });

  it.each([
    ['unknown client', { ...good, client_id: 'nope' }, 'invalid_client_id', 'client identifier invalid'],
    ['wrong secret', { ...good, client_secret: 'bad' }, 'invalid_client', 'invalid client credentials'],
    ['no run-as user', { ...good, client_id: 'no-run-as', client_secret: 's1' }, 'invalid_grant', 'no client credentials user enabled'],
    ['flow disabled', { ...good, client_id: 'flow-off', client_secret: 's2' }, 'unsupported_grant_type', 'grant type not supported'],
    ['missing grant_type', { client_id: 'demo-client-id', client_secret: 'demo-client-secret' }, 'invalid_request', 'grant type is missing'],
    ['other grant type', { ...good, grant_type: 'password' }, 'unsupported_grant_type', 'grant type not supported'],
  ])('rejects %s', async (_label, form, error, description) => {
    const { status, body } = await postToken(emu, form);
    expect(status).toBe(400);
    expect(body).toEqual({ error, error_description: description });
  });

  it('does not meter token requests', async () => {
    const before = emu.apiCalls;
    await postToken(emu, good);
    expect(emu.apiCalls).toBe(before);
  });
});

describe('OAuth on a non-My-Domain host', () => {
  it('refuses the flow like login.salesforce.com', async () => {
    const emu = await startEmulator({ myDomain: false, counts: { Account: 1, Contact: 1, Lead: 1, Opportunity: 1, Case: 1, User: 1 } });
    try {
      const { status, body } = await postToken(emu, good);
      expect(status).toBe(400);
      expect(body).toEqual({ error: 'invalid_grant', error_description: 'request not supported on this domain' });
    } finally {
      await emu.close();
    }
  });
});

describe('OAuth JWT bearer on an org whose clock runs apart from ours', () => {
  const MINUTE = 60_000;
  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  /** An assertion the app's certificate verifies, expiring at `expMs` (epoch ms). */
  async function assertion(emu: Emulator, expMs: number): Promise<string> {
    const { privateKey } = await jwtKeys();
    const unsigned = `${base64url({ alg: 'RS256' })}.${base64url({ iss: 'jwt-app', sub: EMULATOR_USERNAME, aud: emu.url, exp: Math.floor(expMs / 1000) })}`;
    return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
  }

  async function skewedOrg(clockAheadMs: number, dateHeader?: 'none' | 'proxy'): Promise<Emulator> {
    const { certificate } = await jwtKeys();
    return startEmulator({
      clockAheadMs,
      dateHeader,
      clients: [{ clientId: 'jwt-app', clientSecret: 'unused', certificate }],
      counts: { Account: 1, Contact: 1, Lead: 1, Opportunity: 1, Case: 1, User: 1 },
    });
  }

  it.each([
    ['ahead of', 10 * MINUTE],
    ['behind', -10 * MINUTE],
  ])("judges exp by the org's clock, 10 minutes %s ours, refusing as Salesforce does, and dates the refusal by it", async (_way, aheadMs) => {
    const emu = await skewedOrg(aheadMs);
    try {
      const post = async (expMs: number) => postToken(emu, { grant_type: JWT_GRANT, assertion: await assertion(emu, expMs) });
      // Three minutes ahead on the org's clock: accepted, whatever ours reads.
      expect((await post(emu.orgNow() + 3 * MINUTE)).status).toBe(200);
      // Three minutes ahead on ours: past already for an org ahead, still to come for one behind.
      const ours = await post(Date.now() + 3 * MINUTE);
      if (aheadMs > 0) {
        expect(ours.status).toBe(400);
        expect(ours.body).toEqual({ error: 'invalid_grant', error_description: 'expired authorization code' });
        expect(Math.abs(Date.parse(ours.date!) - (Date.now() + aheadMs))).toBeLessThan(MINUTE);
      } else {
        expect(ours.status).toBe(200);
      }
      // A minute ago on the org's clock: refused, with Salesforce's exact body.
      const past = await post(emu.orgNow() - MINUTE);
      expect([past.status, past.body]).toEqual([400, { error: 'invalid_grant', error_description: 'expired authorization code' }]);
    } finally {
      await emu.close();
    }
  });

  it.each([
    ['strips the Date header', 'none' as const],
    ['dates answers by its own clock', 'proxy' as const],
  ])("still judges by the org's clock when a proxy %s", async (_what, dateHeader) => {
    const emu = await skewedOrg(10 * MINUTE, dateHeader);
    try {
      const refused = await postToken(emu, { grant_type: JWT_GRANT, assertion: await assertion(emu, Date.now() + 3 * MINUTE) });
      expect([refused.status, refused.body.error_description]).toEqual([400, 'expired authorization code']);
      if (dateHeader === 'none') expect(refused.date).toBeNull();
      else expect(Math.abs(Date.parse(refused.date!) - Date.now())).toBeLessThan(MINUTE);
    } finally {
      await emu.close();
    }
  });
});
