/**
 * A stranger's server for tests that prove nothing leaks: it records every request and answers
 * like a believable Salesforce (a token, a one-record page), so a client that wrongly follows a
 * hostile URL here keeps talking and shows what it would have sent.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { JSON_TYPE, readBody } from './http-util.js';
import { loopbackCertificate } from './tls.js';

export interface CapturedRequest {
  method: string;
  /** Path and query string as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CaptureServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** The same as `url`: scheme, host and port. */
  origin: string;
  /** `127.0.0.1:PORT`. */
  hostname: string;
  port: number;
  /** With `https`: the certificate to trust (the emulator's loopback certificate). */
  caFile?: string;
  /** Every request received, in order of arrival. */
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

export const CAPTURED_TOKEN = '00DCAPTURE00000000!CAPTURED-TOKEN';
const FORGED_PAGE =
  '{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account"},"Id":"001000000000FORGE1","SystemModstamp":"2024-01-01T00:00:00.000+0000","Name":"forged"}]}';

export async function startCaptureServer(opts: { https?: boolean } = {}): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let origin = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((body) => {
        requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
        const path = new URL(req.url ?? '/', 'http://capture.invalid').pathname;
        const answer = req.method === 'POST' && path === '/services/oauth2/token' ? tokenBody(origin) : FORGED_PAGE;
        res.writeHead(200, { 'Content-Type': JSON_TYPE, 'Content-Length': String(Buffer.byteLength(answer)) });
        res.end(answer);
      })
      .catch(() => res.destroy());
  };
  const tls = opts.https ? await loopbackCertificate() : null;
  const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url: origin,
    origin,
    hostname: `127.0.0.1:${port}`,
    port,
    caFile: tls?.caFile,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        // the CA file goes with the last HTTPS server of the process (tls.ts)
        tls?.release();
      }),
  };
}

function tokenBody(origin: string): string {
  return JSON.stringify({
    access_token: CAPTURED_TOKEN,
    instance_url: origin,
    id: `${origin}/id/00DCAPTURE00000000/005CAPTURE00000000`,
    token_type: 'Bearer',
    issued_at: String(Date.now()),
    signature: 'Y2FwdHVyZWQ=',
    scope: 'api',
  });
}
