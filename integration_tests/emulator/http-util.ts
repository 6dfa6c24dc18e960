/** Request-body reading and response writing shared by every route. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);
const MAX_BODY = 1 << 20;
export const JSON_TYPE = 'application/json;charset=UTF-8';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function wantsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  return typeof header === 'string' && /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*($|,))[\d.]+)?\s*($|,)/i.test(header);
}

/**
 * Sends a JSON body (already serialized, or a value to serialize). Gzip uses level 1: the emulator
 * runs on loopback, where compression only needs to be real, not small.
 */
export async function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let payload: Buffer = Buffer.from(text, 'utf8');
  const out: Record<string, string> = { 'Content-Type': JSON_TYPE, ...headers };
  if (wantsGzip(req) && payload.length > 0) {
    payload = await gzipAsync(payload, { level: 1 });
    out['Content-Encoding'] = 'gzip';
    out.Vary = 'Accept-Encoding';
  }
  out['Content-Length'] = String(payload.length);
  res.writeHead(status, out);
  res.end(req.method === 'HEAD' ? undefined : payload);
}
