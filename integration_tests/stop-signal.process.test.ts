/**
 * A stop signal while the platform reads slowly: the connector writes nothing new, lets out what it
 * had queued however long the reader takes, and ends on a whole line; a second signal ends it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Message } from './helpers/connector-runner.js';
import { startDiscoveredOrg, type TestOrg } from './helpers/org.js';
import { CLI_PATH } from './helpers/paths.js';

let org: TestOrg;
let dir: string;
let args: string[];
beforeAll(async () => {
  const started = await startDiscoveredOrg({ counts: { Contact: 8000 } });
  org = started.org;
  dir = mkdtempSync(path.join(tmpdir(), 'sfstop-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...org.config, read_api: 'rest' }));
  writeFileSync(path.join(dir, 'catalog.json'), JSON.stringify({ streams: started.catalog.streams.filter((s: Message) => s.stream.name === 'Contact') }));
  args = [CLI_PATH, 'read', '--config', path.join(dir, 'config.json'), '--catalog', path.join(dir, 'catalog.json')];
});
afterAll(async () => {
  await org.emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a read whose reader stops reading after the first chunk; resolves once it has lagged. */
async function laggingRead(lagMs: number): Promise<{ child: ChildProcessWithoutNullStreams; stdout: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...org.env } });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.stdout.pause();
  // Long enough for the socket between us and the connector's own output queue to fill (a page of
  // 2,000 contacts is about a megabyte, more than both hold), and on a loaded machine at least until
  // the connector has asked for its second page: by then the first is written and stuck in the pipe.
  const queried = () => org.emulator.requests.filter((r) => r.path.includes('/query')).length;
  const started = Date.now();
  while (Date.now() - started < lagMs || queried() < 2) await new Promise((resolve) => setTimeout(resolve, 50));
  return { child, stdout: () => stdout, exited };
}

describe('stop signals with a slow reader', () => {
  it('waits for a reader that lags longer than any grace period, then ends on the Stopped line', async () => {
    const { child, stdout, exited } = await laggingRead(1000);
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(child.exitCode).toBeNull(); // still letting its output out
    child.stdout.resume();
    expect(await exited).toBe(143);
    expect(stdout().endsWith('\n')).toBe(true);
    const lines = stdout()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Message);
    expect(lines.at(-1)).toEqual({ type: 'LOG', log: { level: 'WARN', message: 'Stopped by SIGTERM; the next run resumes from the last STATE.' } });
  });

  it('ends at once on a second signal, for a reader that will never read again', async () => {
    const { child, exited } = await laggingRead(200);
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  });
});
