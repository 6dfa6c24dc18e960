import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Emulator } from './index.js';
import { raw, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

// Over TLS a reset needs the TCP socket under the TLS one (tcp-sockets.ts); a plain destroy would
// close cleanly. This file pays for the certificate once, apart from the other misbehaviour tests.
describe('misbehave over HTTPS', () => {
  let emu: Emulator;
  let ca: string;
  let token: string;

  beforeAll(async () => {
    emu = await startEmulator({ https: true, counts: { Account: 30, Contact: 300, Lead: 5, Opportunity: 5, Case: 5, User: 3 } });
    ca = readFileSync(emu.caFile!, 'utf8');
    const x = await raw(`${emu.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=demo-client-id&client_secret=demo-client-secret',
      ca,
    });
    token = (JSON.parse(x.body.toString()) as { access_token: string }).access_token;
  });
  afterAll(() => emu.close());

  it('resetAfterPartial resets the TCP connection under TLS', async () => {
    emu.misbehave('query', { kind: 'resetAfterPartial' });
    const x = await raw(emu.url + soqlPath('SELECT Id, Name FROM Contact'), { headers: { Authorization: `Bearer ${token}` }, ca });
    expect(x.status).toBe(200);
    expect(x.body.length).toBeGreaterThan(0);
    expect(x.body.length).toBeLessThan(Number(x.headers['content-length']));
    expect(x.error?.code).toBe('ECONNRESET');
  });

  it('cutBody closes the TLS connection mid-body', async () => {
    emu.misbehave('any', { kind: 'cutBody', gzip: true });
    const x = await raw(`${emu.url}${V}/sobjects`, { headers: { Authorization: `Bearer ${token}` }, ca });
    expect(x.status).toBe(200);
    expect(x.error).not.toBeNull();
    expect(() => gunzipSync(x.body)).toThrow(/unexpected end of file/);
  });
});
