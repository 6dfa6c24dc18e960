/** Request-body reading and response writing shared by every route. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);
const MAX_BODY = 1 << 20;
/**
 * Bodies up to this size are gzipped on the spot: a trip through the thread pool cost several times
 * the compression of a describe or a token (a tenth of a millisecond against hundredths), paid on
 * every answer. Larger pages still compress off the event loop.
 */
const GZIP_INLINE_MAX = 64 * 1024;
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
    payload = payload.length <= GZIP_INLINE_MAX ? gzipSync(payload, { level: 1 }) : await gzipAsync(payload, { level: 1 });
    out['Content-Encoding'] = 'gzip';
    out.Vary = 'Accept-Encoding';
  }
  out['Content-Length'] = String(payload.length);
  res.writeHead(status, out);
  res.end(req.method === 'HEAD' ? undefined : payload);
}
