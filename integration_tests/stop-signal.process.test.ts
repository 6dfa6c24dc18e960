/**
 * A stop signal (the platform cancelling a sync): every stream that started ends INCOMPLETE after its
 * last STATE, streams never started say nothing, and the Stopped line is the last; with a slow
 * reader the connector writes nothing new, lets out what it had queued however long the reader
 * takes, and ends on a whole line; a second signal ends it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Message } from './helpers/connector-runner.js';
import { lineProblems } from './helpers/protocol-validator.js';
import { startDiscoveredOrg, type TestOrg } from './helpers/org.js';
import { CLI_PATH } from './helpers/paths.js';

let org: TestOrg;
let dir: string;
let args: string[];
beforeAll(async () => {
  // One REST page of 2,000 contacts and a short second one: the first alone outgrows the pipe. Plain
  // HTTP, as signals have nothing to do with TLS.
  const started = await startDiscoveredOrg({ https: false, counts: { Contact: 2500 } });
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
    const { child, stdout, exited } = await laggingRead(300);
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(child.exitCode).toBeNull(); // still letting its output out
    child.stdout.resume();
    expect(await exited).toBe(143);
    expect(stdout().endsWith('\n')).toBe(true);
    const lines = stdout()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Message);
    expect(lines.at(-1)).toEqual({ type: 'LOG', log: { level: 'WARN', message: 'Stopped by SIGTERM; the next run resumes from the last STATE.' } });
    // Contact was still being read: it ends INCOMPLETE, after everything it had queued.
    expect(lines.at(-2)).toMatchObject({
      type: 'TRACE',
      trace: { type: 'STREAM_STATUS', stream_status: { stream_descriptor: { name: 'Contact' }, status: 'INCOMPLETE' } },
    });
  });

  it('ends at once on a second signal, for a reader that will never read again', async () => {
    const { child, exited } = await laggingRead(200);
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  });
});

/** The statuses of `stream` in `lines`, and the index of each. */
function statusesOf(lines: Message[], stream: string): { status: string; at: number }[] {
  return lines.flatMap((m, at) =>
    m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === stream
      ? [{ status: m.trace.stream_status.status as string, at }]
      : [],
  );
}

describe('a stop the platform can see', () => {
  let busy: TestOrg;
  let busyArgs: string[];
  beforeAll(async () => {
    // One stream at a time: User is read whole, Contact (30 pages, each answered after 40 ms: over a
    // second to react on a loaded machine) is being read when the signal comes, Lead never starts.
    const started = await startDiscoveredOrg({ https: false, counts: { User: 5, Contact: 3000, Lead: 50 }, maxBatchSize: 100, faults: { latencyMs: 40 } });
    busy = started.org;
    const order = ['User', 'Contact', 'Lead'];
    const streams = order.map((name) => started.catalog.streams.find((s: Message) => s.stream.name === name));
    writeFileSync(path.join(dir, 'busy-config.json'), JSON.stringify({ ...busy.config, read_api: 'rest', num_workers: 1 }));
    writeFileSync(path.join(dir, 'busy-catalog.json'), JSON.stringify({ streams }));
    busyArgs = [CLI_PATH, 'read', '--config', path.join(dir, 'busy-config.json'), '--catalog', path.join(dir, 'busy-catalog.json')];
  });
  afterAll(() => busy.emulator.close());

  /** A read sent `signal` once Contact has delivered a page (and so is surely mid-read): its exit code and lines. */
  async function signalledRead(signal: NodeJS.Signals): Promise<{ code: number | null; lines: Message[] }> {
    const child = spawn(process.execPath, busyArgs, { env: { ...process.env, ...busy.env } });
    let stdout = '';
    let signalled = false;
    const exited = new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!signalled && /"type":"STATE".*"name":"Contact"/.test(stdout)) {
        signalled = true;
        child.kill(signal);
      }
    });
    const code = await exited;
    const text = stdout.trimEnd().split('\n');
    for (const line of text) expect(lineProblems(line)).toEqual([]);
    return { code, lines: text.map((line) => JSON.parse(line) as Message) };
  }

  it('SIGTERM and SIGINT: each started stream ends after its last STATE, COMPLETE or INCOMPLETE; one never started says nothing; exit 143 and 130', async () => {
    // Two reads, side by side: one per signal.
    const signals: [NodeJS.Signals, number][] = [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ];
    const runs = await Promise.all(signals.map(([signal]) => signalledRead(signal)));
    for (const [i, { code, lines }] of runs.entries()) {
      const [signal, expected] = signals[i];
      expect({ signal, code }).toEqual({ signal, code: expected });
      expect(lines.at(-1)).toEqual({ type: 'LOG', log: { level: 'WARN', message: `Stopped by ${signal}; the next run resumes from the last STATE.` } });
      expect(statusesOf(lines, 'User').map((s) => s.status)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(statusesOf(lines, 'Lead')).toEqual([]);
      const contact = statusesOf(lines, 'Contact');
      expect(contact.map((s) => s.status)).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
      const lastState = lines.findLastIndex((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'Contact');
      expect(contact[2].at).toBeGreaterThan(lastState);
      expect(contact[2].at).toBe(lines.length - 2);
    }
  });
});
