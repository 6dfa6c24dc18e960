import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { CaptureServer } from './index.js';
import { nativeImport } from '../helpers/native.js';

const { CAPTURED_TOKEN, startCaptureServer } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

describe('capture server', () => {
  let server: CaptureServer | undefined;
  afterEach(() => server?.close());

  it('records a token request with its body and answers with a believable token', async () => {
    server = await startCaptureServer();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect([server.origin, server.hostname]).toEqual([server.url, `127.0.0.1:${server.port}`]);
    const res = await fetch(`${server.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: 'Basic c2VjcmV0' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_secret: 's3cret' }),
    });
    expect(await res.json()).toMatchObject({ access_token: CAPTURED_TOKEN, instance_url: server.url, token_type: 'Bearer' });
    expect(server.requests).toEqual([
      {
        method: 'POST',
        url: '/services/oauth2/token',
        headers: expect.objectContaining({ authorization: 'Basic c2VjcmV0' }),
        body: 'grant_type=client_credentials&client_secret=s3cret',
      },
    ]);
  });

  it('answers anything else with one forged record, over HTTPS too', async () => {
    server = await startCaptureServer({ https: true });
    const url = `${server.url}/services/data/v62.0/query/01gX-200?x=1`;
    const body = await new Promise<string>((resolve, reject) => {
      request(url, { ca: readFileSync(server!.caFile!), headers: { Authorization: 'Bearer leaked' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(body)).toEqual({
      totalSize: 1,
      done: true,
      records: [{ attributes: { type: 'Account' }, Id: '001000000000FORGE1', SystemModstamp: '2024-01-01T00:00:00.000+0000', Name: 'forged' }],
    });
    expect(server.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
      ['GET', '/services/data/v62.0/query/01gX-200?x=1', 'Bearer leaked'],
    ]);
  });
});
