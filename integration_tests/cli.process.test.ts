/**
 * What only the compiled CLI run as a child process shows; every other end-to-end suite runs the
 * connector in-process. Here: the binary's exit codes and its silence on stderr, the environment
 * cli.ts reads (NODE_EXTRA_CA_CERTS, SOURCE_SALESFORCE_*), a kill at any point, a SIGTERM while the
 * reader lags, and a reader that goes away (EPIPE).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { idsOf, runConnector, runConnectorProcess, stateFrom, type Message } from './helpers/connector-runner.js';
import { startDiscoveredOrg, type TestOrg } from './helpers/org.js';
import { CLI_PATH } from './helpers/paths.js';

// Pages of 200 rows, so a Contact read prints a STATE every 200 records and kills can land between them.
let org: TestOrg;
let catalog: Message;
const only = (name: string): Message => ({ streams: catalog.streams.filter((s: Message) => s.stream.name === name) });

beforeAll(async () => {
  ({ org, catalog } = await startDiscoveredOrg({ maxBatchSize: 200 }));
});
afterAll(() => org.emulator.close());

/** The CLI reading `readCatalog`, its stdout piped to us and its stderr collected. */
function spawnRead(readCatalog: Message, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sfcli-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(org.config));
  writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify(readCatalog));
  const args = [CLI_PATH, 'read', '--config', path.join(dir, 'config.json'), '--catalog', path.join(dir, 'catalog.json')];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...org.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  void exited.then(() => rmSync(dir, { recursive: true, force: true }));
  return { child, exited, stderr: () => stderr };
}

describe('the CLI as a process', () => {
  it('exits 1 after one config_error TRACE for an unknown command', async () => {
    const result = await runConnectorProcess('write');
    expect(result.exitCode).toBe(1);
    expect(result.errors.map((e) => e.trace.error.failure_type)).toEqual(['config_error']);
    expect(result.errors[0].trace.error.message).toMatch(/Unknown command 'write'/);
    expect(result.stderr).toBe('');
  });

  it('trusts the emulator through NODE_EXTRA_CA_CERTS and takes its tunables from SOURCE_SALESFORCE_* variables', async () => {
    const before = org.emulator.requests.length;
    const env = { ...org.env, SOURCE_SALESFORCE_MAX_URL_BYTES: '3000' };
    const result = await runConnectorProcess('read', { config: org.config, catalog: only('User'), env });
    expect(result.exitCode).toBe(0);
    expect(result.recordsOf('User')).toHaveLength(org.emulator.records('User', { includeDeleted: true }).length);
    // User's query fits the default URL limit: only the limit from the environment splits it into field chunks.
    expect(org.emulator.requests.slice(before).filter((r) => r.query?.includes(' WHERE Id IN (')).length).toBeGreaterThan(0);
    expect(result.stderr).toBe('');
  });

  it('after a kill at any point, the last STATE printed resumes without losing a record', async () => {
    const all = new Set(idsOf(org.emulator.records('Contact', { includeDeleted: true })));
    // Each kill is its own process, so they run side by side, each resumed once it is dead. One
    // lands before the first STATE, one in the middle of the read (mid-line, as likely as not); kills
    // at chosen points of a read's output are in read-resume.test.ts.
    const kills = [3, 404];
    const runs = await Promise.all(
      kills.map(async (killAfterLines) => {
        const killed = await runConnectorProcess('read', { config: org.config, catalog: only('Contact'), env: org.env, killAfterLines });
        const resumeState = killed.states.at(-1);
        const resumed = await runConnector('read', {
          config: org.config,
          catalog: only('Contact'),
          state: resumeState ? stateFrom([resumeState]) : undefined,
          env: org.env,
        });
        return { killAfterLines, killed, resumeState, resumed };
      }),
    );
    for (const { killAfterLines, killed, resumeState, resumed } of runs) {
      // Records printed after the last STATE count as lost: the platform only commits up to a STATE.
      const committed = new Set<string>();
      for (const m of killed.messages) {
        if (m === resumeState) break;
        if (m.type === 'RECORD') committed.add(String(m.record.data.Id));
      }
      const union = new Set([...committed, ...idsOf(resumed.recordsOf('Contact'))]);
      expect({ killAfterLines, missing: [...all].filter((id) => !union.has(id)) }).toEqual({ killAfterLines, missing: [] });
    }
  });

  it('ends with one sentence on stderr and exit 1 when its reader goes away mid-read (EPIPE)', async () => {
    const { child, exited, stderr } = spawnRead(only('Contact'));
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    expect(await exited).toBe(1);
    expect(stderr()).toBe('source-salesforce: standard output is gone: its reader closed it (EPIPE); stopped.\n');
  });

  it('ends with one sentence on stderr and exit 1 when its reader stops taking anything (a full pipe)', async () => {
    // A reader that stays open but never reads again: the pipe fills, then the connector's queue.
    const { child, exited, stderr } = spawnRead(only('Contact'), { SOURCE_SALESFORCE_OUTPUT_STALL_MS: '500' });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.pause();
    expect(await exited).toBe(1);
    expect(stderr()).toBe('source-salesforce: standard output is gone: its reader took nothing for 0.5 s while output was waiting; stopped.\n');
  });

  it('the state helper, too, ends with one sentence on stderr and exit 1 when its reader is gone', async () => {
    const output = `${JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'Account' }, stream_state: {} } } })}\n`;
    const child = spawn(process.execPath, [CLI_PATH, 'state'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.destroy(); // gone before the helper prints its array
    child.stdin.end(output);
    expect(await new Promise((resolve) => child.once('close', resolve))).toBe(1);
    expect(stderr).toBe('source-salesforce state: standard output is gone (EPIPE); stopped.\n');
  });

  it('keeps going for a reader that is slow but alive: pauses shorter than the stall rule, more of them than it allows in all', async () => {
    // Every stream, so that the read outlasts the stall rule several times over.
    const stallMs = 2000;
    const { child, exited, stderr } = spawnRead(catalog, { SOURCE_SALESFORCE_OUTPUT_STALL_MS: String(stallMs) });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    let paused = 0;
    let done = false;
    void exited.then(() => (done = true));
    // Between two pauses, each far shorter than the rule, the reader takes one chunk of the pipe and stops again.
    while (!done) {
      child.stdout.pause();
      await new Promise((resolve) => setTimeout(resolve, 100));
      paused += 100;
      await new Promise((resolve) => {
        child.stdout.once('data', resolve);
        void exited.then(resolve);
        child.stdout.resume();
      });
    }
    expect(await exited).toBe(0);
    expect(stderr()).toBe('');
    expect(paused).toBeGreaterThan(stallMs);
    const contacts = stdout.split('\n').filter((line) => line.startsWith('{"type":"RECORD","record":{"stream":"Contact"'));
    expect(contacts).toHaveLength(org.emulator.records('Contact', { includeDeleted: true }).length);
  });
});
