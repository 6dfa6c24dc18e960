#!/usr/bin/env node
// Regenerates the two acceptance fixtures that depend on the emulated org's data:
//   integration_tests/configured_catalog.json   the six discovered streams, incremental + append_dedup
//   integration_tests/expected_records.jsonl    per stream, the 3 oldest live records of a full refresh
// Run after `npm run build` whenever the emulator's default org or the discovered schema changes
// (`npm run fixtures:acceptance`). integration_tests/acceptance/fixtures.test.ts says when that is due.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { startEmulator } = await import(path.join(root, 'dist/integration_tests/emulator/index.js'));
const cli = path.join(root, 'dist/connector/cli.js');
const PER_STREAM = 3;

// Asynchronous on purpose: the emulator serves from this same process.
async function run(command, files) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-fixtures-'));
  try {
    const args = [cli, command];
    for (const [role, value] of Object.entries(files)) {
      const file = path.join(dir, `${role}.json`);
      writeFileSync(file, JSON.stringify(value));
      args.push(`--${role}`, file);
    }
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const status = await new Promise((resolve) => child.on('close', resolve));
    if (status !== 0) throw new Error(`${command} exited ${status}: ${stdout.slice(-2000)}${stderr}`);
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const emulator = await startEmulator({ https: false });
try {
  const config = { hostname: emulator.url, credentials: { auth_type: 'client_credentials', client_id: 'demo-client-id', client_secret: 'demo-client-secret' } };
  const catalog = (await run('discover', { config })).find((m) => m.type === 'CATALOG').catalog;
  const configured = {
    streams: catalog.streams.map((stream) => ({
      stream,
      sync_mode: 'incremental',
      cursor_field: ['SystemModstamp'],
      destination_sync_mode: 'append_dedup',
      primary_key: [['Id']],
    })),
  };
  writeFileSync(path.join(root, 'integration_tests/configured_catalog.json'), JSON.stringify(configured, null, 2) + '\n');

  const fullRefresh = { streams: configured.streams.map((s) => ({ stream: s.stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })) };
  const records = (await run('read', { config, catalog: fullRefresh })).filter((m) => m.type === 'RECORD').map((m) => m.record);
  const lines = [];
  for (const { stream } of configured.streams) {
    const oldest = records
      .filter((r) => r.stream === stream.name)
      .sort((a, b) => a.data.SystemModstamp.localeCompare(b.data.SystemModstamp) || a.data.Id.localeCompare(b.data.Id))
      .slice(0, PER_STREAM);
    // emitted_at is when a run saw the record; a fixed value keeps the file stable between runs.
    for (const r of oldest) lines.push(JSON.stringify({ stream: r.stream, data: r.data, emitted_at: 1700000000000 }));
  }
  writeFileSync(path.join(root, 'integration_tests/expected_records.jsonl'), lines.join('\n') + '\n');
  console.log(`wrote ${configured.streams.length} configured streams and ${lines.length} expected records`);
} finally {
  await emulator.close();
}
