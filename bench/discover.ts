/**
 * `npm run bench:discover`: discover with `objects: ["*"]` on an emulated org of 1,000 custom objects
 * of 50 fields each (plus the six), the connector running as its CLI in a child process. Prints the
 * HTTP requests the connector sent, the calls metered against the daily allocation, the streams and
 * the wall time, against the targets of issue 13 (≤ 60 requests, ≤ 30 s).
 *
 * Flags: --objects N (default 1000), --fields N (default 50), --runs N (default 3; the median is reported).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../integration_tests/emulator/index.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/connector/cli.js');

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

async function discoverOnce(objects: number, fields: number): Promise<{ seconds: number; requests: number; metered: number; streams: number }> {
  const emulator = await startEmulator({ generatedObjects: { count: objects, fields } });
  const dir = mkdtempSync(join(tmpdir(), 'bench-discover-'));
  try {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        hostname: emulator.url,
        credentials: { auth_type: 'client_credentials', client_id: 'demo-client-id', client_secret: 'demo-client-secret' },
        objects: ['*'],
      }),
    );
    const started = performance.now();
    const stdout = await new Promise<string>((done, fail) => {
      const child = spawn(process.execPath, [CLI, 'discover', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.on('error', fail);
      child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`discover exited with ${code}`))));
    });
    const seconds = (performance.now() - started) / 1000;
    const catalog = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; catalog?: { streams: unknown[] } })
      .find((m) => m.type === 'CATALOG');
    return { seconds, requests: emulator.requests.length, metered: emulator.apiCalls, streams: catalog?.catalog?.streams.length ?? 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  }
}

const objects = flag('objects', 1000);
const fields = flag('fields', 50);
const runs = [];
for (let i = 0; i < flag('runs', 3); i++) runs.push(await discoverOnce(objects, fields));
for (const r of runs) console.log(`discover "*": ${r.streams} streams, ${r.requests} HTTP requests (${r.metered} metered), ${r.seconds.toFixed(1)} s`);
const median = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
const pass = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
console.log(`requests: ${median.requests} (target ≤ 60) ${pass(median.requests <= 60)}`);
console.log(`time: ${median.seconds.toFixed(1)} s median of ${runs.length} (target ≤ 30 s) ${pass(median.seconds <= 30)}`);
