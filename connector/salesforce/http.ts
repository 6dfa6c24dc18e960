/**
 * The one got instance every Salesforce call goes through: certificate checks on, gzip, timeouts,
 * and got's own retry with exponential backoff and jitter for outages and dropped connections
 * (Retry-After honoured). Salesforce-specific handling (401 re-mint, error bodies) lives in the client.
 */
import got, { type Got } from 'got';

import type { Settings } from '../settings.js';

export function createHttp(settings: Settings): Got {
  const maxDelay = settings.maxRetryDelayMs;
  return got.extend({
    responseType: 'text',
    decompress: true,
    timeout: { connect: 30_000, secureConnect: 30_000, send: 60_000, response: 180_000 },
    retry: {
      limit: settings.attempts - 1,
      methods: ['GET'],
      statusCodes: [408, 420, 429, 500, 502, 503, 504],
      // A host that does not resolve or refuses connections is a wrong hostname, not weather: fail fast.
      errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'EPIPE', 'ENETUNREACH', 'EHOSTUNREACH', 'EAI_AGAIN'],
      backoffLimit: maxDelay,
      noise: Math.min(100, maxDelay), // got caps jitter at 100 ms
      maxRetryAfter: 10 * 60 * 1000,
    },
    ...(settings.extraCa ? { https: { certificateAuthority: settings.extraCa } } : {}),
    headers: { 'user-agent': 'source-salesforce (Airbyte connector)' },
  });
}
