/**
 * The CLI as a process shows it: the usage text and its exit code, the executable bit and the memory
 * cap of the shebang, the last words of a process whose error escaped every command, and the `state`
 * helper's exit codes and its streaming under a small heap. Each runs the compiled CLI as a child
 * process; what main() and the helper decide is in front-door.test.ts, in-process.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Message } from './helpers/connector-runner.js';
import { CLI_PATH } from './helpers/paths.js';
import { lineProblems } from './helpers/protocol-validator.js';

const dir = mkdtempSync(path.join(tmpdir(), 'front-door-process-'));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  /** A module node loads before the CLI (`node --import`). */
  preload?: string;
  /** Run the file itself, through its shebang, instead of `node cli.js`. */
  direct?: boolean;
}

function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const nodeArgs = options.preload ? ['--import', options.preload] : [];
  const child = options.direct
    ? spawn(CLI_PATH, args, { env: { ...process.env, ...options.env } })
    : spawn(process.execPath, [...nodeArgs, CLI_PATH, ...args], { env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

/** The stdout lines as protocol messages, each checked against the protocol schema. */
function messagesOf(run: CliRun): Message[] {
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      expect(lineProblems(line)).toEqual([]);
      return JSON.parse(line) as Message;
    });
}

const STACK_LINE = /\n\s+at /;

describe('usage', () => {
  it('no command prints the usage text on stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^Usage: source-salesforce COMMAND/);
  });
});

describe('the file dist/connector/cli.js', () => {
  it('is executable after the build, and run directly it prints the SPEC, exits 0, says nothing on stderr, and has the memory cap of its shebang', async () => {
    expect(statSync(CLI_PATH).mode & 0o111).toBe(0o111);
    // The heap limit goes to a file of its own: stderr stays the CLI's, and must stay empty.
    const limitFile = path.join(dir, 'heap-limit.txt');
    const heap = file(
      'heap.mjs',
      `import { writeFileSync } from 'node:fs';\nimport v8 from 'node:v8';\nwriteFileSync(${JSON.stringify(limitFile)}, String(Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20)));\n`,
    );
    const run = await runCli(['spec'], { direct: true, env: { NODE_OPTIONS: `--import ${heap}` } });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(messagesOf(run).map((m) => m.type)).toEqual(['SPEC']);
    // --max-old-space-size=256 plus the young generation; Node's default here would be gigabytes.
    const limit = Number(readFileSync(limitFile, 'utf8'));
    expect(limit).toBeGreaterThanOrEqual(256);
    expect(limit).toBeLessThan(320);
  });
});

describe('last words', () => {
  // Throws once the CLI has installed its handlers, while `spec` runs or right after it; the timer
  // keeps the process alive until then, so the throw always happens.
  const preload = (name: string, failure: string) =>
    file(
      name,
      `const fail = () => { ${failure}; };\nconst wait = () => setTimeout(process.listenerCount('uncaughtException') > 0 ? fail : wait, 1);\nwait();\n`,
    );

  it.each([
    [
      'a throw in a timer',
      "throw new Error('boom in a timer')",
      /^The connector failed unexpectedly; see the internal message for details\.$/,
      'boom in a timer',
    ],
    ['a rejection nobody awaits', "void Promise.reject(new Error('boom in a promise'))", /^The connector failed unexpectedly/, 'boom in a promise'],
    [
      'a string longer than V8 allows',
      "'x'.repeat(2 ** 30)",
      /^The connector ran out of memory \(Invalid string length\); raise --max-old-space-size in NODE_OPTIONS/,
      'Invalid string length',
    ],
  ])('%s ends the output with one system_error TRACE, the stack only in stack_trace, and exit 1', async (name, failure, message, internal) => {
    const run = await runCli(['spec'], { preload: preload(`${name.replace(/\W+/g, '-')}.mjs`, failure) });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const messages = messagesOf(run);
    const errors = messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(messages.at(-1)).toBe(errors[0]);
    const error = errors[0].trace.error;
    expect(error).toMatchObject({ failure_type: 'system_error', internal_message: internal });
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(STACK_LINE);
    expect(error.stack_trace).toMatch(STACK_LINE);
  });
});

describe('the state helper as a process', () => {
  it('reads standard input and exits 1, with a sentence on stderr, when it holds no STATE', async () => {
    const run = await runCli(['state'], { stdin: '{"type":"LOG","log":{"level":"INFO","message":"hi"}}\nnot json\n' });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/no STATE message in standard input \(2 lines\)/);
  });

  it('exits 2 on a wrong command line', async () => {
    const run = await runCli(['state', '--form', 'x']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/unknown argument '--form'/);
  });
});

describe('the state helper on a large read output', () => {
  it('streams it: 40 MB pass through a 16 MB heap that the whole file alone would overflow', async () => {
    const big = path.join(dir, 'big.jsonl');
    const record = JSON.stringify({ type: 'RECORD', record: { stream: 'Account', emitted_at: 1, data: { Id: 'x', Name: 'y'.repeat(900) } } }) + '\n';
    const page = record.repeat(200);
    const state = (i: number) =>
      JSON.stringify({
        type: 'STATE',
        state: { type: 'STREAM', stream: { stream_descriptor: { name: 'Account' }, stream_state: { SystemModstamp: new Date(i * 1000).toISOString() } } },
      });
    writeFileSync(big, Array.from({ length: 200 }, (_, i) => page + state(i)).join('\n') + '\n');
    expect(statSync(big).size).toBeGreaterThan(37 * 2 ** 20);
    // The cap is tight enough to matter: the file read whole and split, as a one-liner would, dies.
    // The two processes are independent, so they run side by side.
    const whole = spawn(process.execPath, ['--max-old-space-size=16', '-e', `require('fs').readFileSync(${JSON.stringify(big)}, 'utf8').split('\\n')`], {
      stdio: 'ignore',
    });
    const child = spawn(process.execPath, ['--max-old-space-size=16', CLI_PATH, 'state', '--from', big]);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const [wholeCode, code] = await Promise.all([whole, child].map((p) => new Promise((resolve) => p.once('close', resolve))));
    expect(wholeCode).not.toBe(0);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { type: 'STREAM', stream: { stream_descriptor: { name: 'Account' }, stream_state: { SystemModstamp: new Date(199_000).toISOString() } } },
    ]);
  });
});
