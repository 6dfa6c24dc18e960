/**
 * `npm run bench:bulk-1m`: the Bulk path on a huge object, the connector running as its CLI in child
 * processes against an emulated org of --records Account records (default 1,000,000) whose Bulk
 * jobs fail when their window is wider than a third of the object's history, and whenever they carry
 * ORDER BY. Checks, and prints PASS or FAIL for each:
 *   1. an incremental read through Bulk delivers every record, and no Bulk query has ORDER BY;
 *   2. reads killed (SIGKILL) at --kills random points, each resumed from the last STATE it
 *      printed, lose nothing: what the killed run committed plus what the resumed run read is the
 *      whole object.
 * Flags: --records N, --kills N (default 3), --seed N (default 7).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../integration_tests/emulator/index.js';
import { HISTORY_START } from '../integration_tests/emulator/timeline.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const CLI = join(ROOT, 'dist/connector/cli.js');

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

interface Run {
  /** Ids of records printed before the last STATE (what a platform commits) */
  committed: Set<string>;
  /** every record Id printed */
  all: Set<string>;
  lastState?: unknown;
  lines: number;
  seconds: number;
}

/** One read as a child process; with `killAfter`, SIGKILLed once that many lines arrived. */
function read(dir: string, configFile: string, catalogFile: string, state: unknown, killAfter?: number): Promise<Run> {
  const args = [CLI, 'read', '--config', configFile, '--catalog', catalogFile];
  if (state) {
    const stateFile = join(dir, `state-${Date.now()}.json`);
    writeFileSync(stateFile, JSON.stringify([state]));
    args.push('--state', stateFile);
  }
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SOURCE_SALESFORCE_BULK_FIRST_POLL_MS: '50' } });
  const run: Run = { committed: new Set(), all: new Set(), lines: 0, seconds: 0 };
  let pending: string[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    run.lines++;
    if (killAfter !== undefined && run.lines > killAfter) {
      child.kill('SIGKILL');
      return;
    }
    const message = JSON.parse(line) as { type: string; record?: { data: { Id: string } }; state?: unknown };
    if (message.type === 'RECORD') {
      run.all.add(message.record!.data.Id);
      pending.push(message.record!.data.Id);
    } else if (message.type === 'STATE') {
      for (const id of pending) run.committed.add(id);
      pending = [];
      run.lastState = message.state;
    }
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => {
      run.seconds = (performance.now() - started) / 1000;
      if (killAfter === undefined && code !== 0) fail(new Error(`read exited with ${code ?? signal}`));
      else done(run);
    });
  });
}

const records = flag('records', 1_000_000);
const kills = flag('kills', 3);
let seed = flag('seed', 7);
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

console.log(`generating an org of ${records} Account records…`);
// The failure threshold is a third of the history: the first job must fail and its window be split.
const span = Date.now() - HISTORY_START;
const live = await startEmulator({
  counts: { Account: records, Contact: 0, Lead: 0, Opportunity: 0, Case: 0, User: 1 },
  bulkFailures: { widerThanMs: Math.floor(span / 3), orderByOverRows: 0 },
});
const expected = new Set(live.records('Account', { includeDeleted: true }).map((r) => String(r.Id)));
const dir = mkdtempSync(join(tmpdir(), 'bench-bulk-1m-'));
const results: string[] = [];
try {
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      hostname: live.url,
      credentials: { auth_type: 'client_credentials', client_id: 'demo-client-id', client_secret: 'demo-client-secret' },
      read_api: 'bulk',
    }),
  );
  const catalogFile = join(dir, 'catalog.json');
  writeFileSync(
    catalogFile,
    JSON.stringify({
      streams: [
        {
          stream: { name: 'Account', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
          sync_mode: 'incremental',
          destination_sync_mode: 'append_dedup',
        },
      ],
    }),
  );
  const whole = await read(dir, configFile, catalogFile, undefined);
  const missing = [...expected].filter((id) => !whole.all.has(id)).length;
  const ordered = live.bulkQueries.filter((q) => /ORDER BY/i.test(q)).length;
  console.log(
    `whole read: ${whole.all.size} of ${expected.size} records in ${whole.seconds.toFixed(1)} s; ${live.bulkJobsFailed} Bulk jobs failed and were split, ${live.bulkQueries.length} created, ${ordered} with ORDER BY`,
  );
  results.push(`nothing lost on a failing-job org: ${missing === 0 && live.bulkJobsFailed > 0 ? 'PASS' : `FAIL (${missing} missing)`}`);
  results.push(`no ORDER BY in any Bulk query: ${ordered === 0 ? 'PASS' : `FAIL (${ordered})`}`);
  for (let i = 0; i < kills; i++) {
    const killAfter = Math.floor(random() * whole.lines);
    const killed = await read(dir, configFile, catalogFile, undefined, killAfter);
    const resumed = await read(dir, configFile, catalogFile, killed.lastState);
    const lost = [...expected].filter((id) => !killed.committed.has(id) && !resumed.all.has(id)).length;
    console.log(
      `killed after ${killAfter} lines (${killed.committed.size} records committed); resumed: ${resumed.all.size} records in ${resumed.seconds.toFixed(1)} s; lost ${lost}`,
    );
    results.push(`kill at line ${killAfter} resumes without loss: ${lost === 0 ? 'PASS' : `FAIL (${lost} lost)`}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  await live.close();
}
for (const line of results) console.log(line);
