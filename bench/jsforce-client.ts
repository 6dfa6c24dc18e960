/**
 * What a JavaScript developer would write with jsforce 3, the library they would reach for: one
 * token, `conn.query(soql, { autoFetch, scanAll })` per stream with jsforce's record stream, one
 * Airbyte-like RECORD line per record to stdout with backpressure. Same SOQL, same emulator, same
 * batchSize header as the connector; streams run concurrently. No type conversion, state or checks.
 *
 * Usage: node dist/bench/jsforce-client.js '<FloorJob JSON>' (api must be rest).
 */
import { once } from 'node:events';
import jsforce from 'jsforce';
import type { FloorJob } from './floor.js';

const out = process.stdout;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as FloorJob;
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: job.clientId, client_secret: job.clientSecret });
  const res = await fetch(`${job.url}/services/oauth2/token`, { method: 'POST', body: form });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  const { access_token: accessToken } = (await res.json()) as { access_token: string };
  const conn = new jsforce.Connection({ instanceUrl: job.url, accessToken, version: '62.0' });
  await Promise.all(
    job.streams.map(async (stream) => {
      const prefix = `{"type":"RECORD","record":{"stream":"${stream.object}","emitted_at":`;
      const query = conn.query(stream.soql, {
        autoFetch: true,
        maxFetch: Number.MAX_SAFE_INTEGER,
        scanAll: stream.includeDeleted,
        headers: { 'Sforce-Query-Options': 'batchSize=2000' },
      });
      for await (const record of query.stream('record')) {
        (record as { attributes?: unknown }).attributes = undefined;
        if (!out.write(`${prefix}${Date.now()},"data":${JSON.stringify(record)}}}\n`)) await once(out, 'drain');
      }
    }),
  );
  await new Promise<void>((resolve) => out.write('', () => resolve()));
}

main().catch((error: unknown) => {
  process.stderr.write(`jsforce client: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
