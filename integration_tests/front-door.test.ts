/**
 * The CLI as a person and the platform meet it: the usage text, wrong command lines, the `state`
 * helper, the forms --state takes, the executable bit, and the last words of a process whose error
 * escaped every command. Each runs the compiled CLI as a child process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configuredCatalog, runConnector, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { startOrg, type TestOrg } from './helpers/org.js';
import { CLI_PATH } from './helpers/paths.js';
import { lineProblems } from './helpers/protocol-validator.js';

const dir = mkdtempSync(path.join(tmpdir(), 'front-door-'));

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
  it.each([[[]], [['--help']], [['-h']], [['help']], [['read', '--help']]])('%j prints the usage text on stderr and exits 2', async (args) => {
    const run = await runCli(args);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^Usage: source-salesforce COMMAND/);
    expect(run.stderr).toMatch(/read +--config FILE --catalog FILE \[--state FILE\]/);
    expect(run.stderr).toMatch(/state \[--from FILE\]/);
  });

  it.each([
    [['write'], /^Unknown command 'write'; the commands are spec, check, discover and read \(--help explains them\)\.$/],
    [['check', '--verbose'], /^Unknown argument '--verbose' for check\.$/],
    [['read', '--config', 'c.json'], /^The read command needs --catalog FILE\.$/],
  ])('%j is one config_error TRACE without a stack, and a non-zero exit', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const [only, ...rest] = messagesOf(run);
    expect(rest).toEqual([]);
    expect(only.trace.error).toEqual({
      message: expect.stringMatching(message),
      failure_type: 'config_error',
      internal_message: expect.stringMatching(/^usage: /),
    });
  });
});

describe('the file dist/connector/cli.js', () => {
  it('is executable after the build, and run directly it answers with the memory cap of its shebang', async () => {
    expect(statSync(CLI_PATH).mode & 0o111).toBe(0o111);
    const heap = file(
      'heap.mjs',
      `import v8 from 'node:v8';\nprocess.stderr.write(\`heap limit \${Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20)} MB\\n\`);\n`,
    );
    const run = await runCli(['spec'], { direct: true, env: { NODE_OPTIONS: `--import ${heap}` } });
    expect(run.code).toBe(0);
    expect(messagesOf(run).map((m) => m.type)).toEqual(['SPEC']);
    // --max-old-space-size=256 plus the young generation; Node's default here would be gigabytes.
    const limit = Number(/heap limit (\d+) MB/.exec(run.stderr)?.[1]);
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

  it('a config path that is a directory is a config_error (a FAILED status for check) naming it', async () => {
    const read = await runCli(['read', '--config', dir, '--catalog', dir]);
    expect(read.code).toBe(1);
    const [error] = messagesOf(read);
    expect(error.trace.error.message).toBe(`The config file ${dir} is a directory; pass the right path with --config.`);
    expect(error.trace.error.stack_trace).toBeUndefined();
    const check = await runCli(['check', '--config', dir]);
    expect(check.code).toBe(0);
    expect(messagesOf(check)[0].connectionStatus).toEqual({
      status: 'FAILED',
      message: `The config file ${dir} is a directory; pass the right path with --config.`,
    });
  });
});

describe('resuming by hand', () => {
  let org: TestOrg;
  let first: RunResult;
  let catalog: Message;
  let output: string;

  beforeAll(async () => {
    org = await startOrg({ https: false, counts: { Account: 30, Contact: 30, Lead: 0, Opportunity: 0, Case: 0, User: 5 }, maxBatchSize: 10 });
    const discovered = await runConnector('discover', { config: org.config, env: org.env });
    catalog = configuredCatalog(discovered.catalog!, 'incremental', ['Account', 'Contact', 'User']);
    first = await runConnector('read', { config: org.config, catalog, env: org.env });
    expect(first.exitCode).toBe(0);
    // The read's stdout as a file, ending with a line cut off the way a killed sync leaves it.
    output = first.messages.map((m) => JSON.stringify(m)).join('\n') + '\n{"type":"RECORD","record":{"stre';
  });
  afterAll(() => org.emulator.close());

  it('the state helper prints the last STATE of each stream, from standard input or --from', async () => {
    const expected = stateFrom(first.states);
    expect(expected.map((s) => s.stream.stream_descriptor.name).sort()).toEqual(['Account', 'Contact', 'User']);
    const piped = await runCli(['state'], { stdin: output });
    const named = await runCli(['state', '--from', file('read-1.jsonl', output)]);
    for (const run of [piped, named]) {
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected);
      expect(run.stderr).toMatch(/skipped 1 of \d+ lines that are not JSON/);
      expect(run.stderr).toMatch(/kept the last STATE of 3 stream\(s\)/);
    }
  });

  it.each<[string, () => unknown, RegExp | null]>([
    ["the helper's array", () => stateFrom(first.states), null],
    ["the read's output as it is", () => output, /^Skipped 1 line of the state file .* that is not JSON \(a read stopped mid-line leaves one\)\.$/],
    ['its STATE lines alone', () => first.states.map((m) => JSON.stringify(m)).join('\n'), null],
  ])('the next read resumes from %s and sends nothing again', async (_what, state, warning) => {
    const next = await runConnector('read', { config: org.config, catalog, env: org.env, state: state() });
    expect(next.exitCode).toBe(0);
    expect(next.records).toEqual([]);
    const warnings = next.logs.filter((m) => m.log.level === 'WARN').map((m) => m.log.message);
    expect(warnings).toEqual(warning ? [expect.stringMatching(warning)] : []);
  });

  it('a single STATE line resumes its stream and reads the others whole', async () => {
    const last = first.lastStateOf('Account')!;
    const next = await runConnector('read', { config: org.config, catalog, env: org.env, state: JSON.stringify(last) });
    expect(next.exitCode).toBe(0);
    expect(next.recordsOf('Account')).toEqual([]);
    expect(next.recordsOf('Contact')).toHaveLength(first.recordsOf('Contact').length);
  });
});

describe('the state helper refuses', () => {
  it('output without a STATE, with a sentence on stderr and exit 1', async () => {
    const run = await runCli(['state'], { stdin: '{"type":"LOG","log":{"level":"INFO","message":"hi"}}\nnot json\n' });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      'source-salesforce state: skipped 1 of 2 lines that are not JSON (a read stopped mid-line leaves one).\n' +
        'source-salesforce state: no STATE message in standard input (2 lines); pass the output of a read that delivered at least one page, or run the next read without --state.\n',
    );
  });

  it.each([
    [['--form', 'x'], /unknown argument '--form'/],
    [['--from'], /--from needs a file path/],
    [['--from', 'a', 'b'], /unknown argument 'b'/],
  ])('%j as a wrong command line (exit 2)', async (args, message) => {
    const run = await runCli(['state', ...args]);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/use: source-salesforce state \[--from FILE\]/);
  });

  it('a file it cannot read (exit 1)', async () => {
    const run = await runCli(['state', '--from', path.join(dir, 'missing.jsonl')]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^source-salesforce state: cannot read .*missing\.jsonl \(ENOENT\)/);
  });
});

describe('the state helper on a large read output', () => {
  it('streams it: 80 MB pass through a 32 MB heap that the whole file alone would overflow', async () => {
    const big = path.join(dir, 'big.jsonl');
    const record = JSON.stringify({ type: 'RECORD', record: { stream: 'Account', emitted_at: 1, data: { Id: 'x', Name: 'y'.repeat(900) } } }) + '\n';
    const page = record.repeat(200);
    const state = (i: number) =>
      JSON.stringify({
        type: 'STATE',
        state: { type: 'STREAM', stream: { stream_descriptor: { name: 'Account' }, stream_state: { SystemModstamp: new Date(i * 1000).toISOString() } } },
      });
    writeFileSync(big, Array.from({ length: 400 }, (_, i) => page + state(i)).join('\n') + '\n');
    expect(statSync(big).size).toBeGreaterThan(75 * 2 ** 20);
    // The cap is tight enough to matter: the file read whole and split, as a one-liner would, dies.
    const whole = spawn(process.execPath, ['--max-old-space-size=32', '-e', `require('fs').readFileSync(${JSON.stringify(big)}, 'utf8').split('\\n')`], {
      stdio: 'ignore',
    });
    expect(await new Promise((resolve) => whole.once('close', resolve))).not.toBe(0);
    const child = spawn(process.execPath, ['--max-old-space-size=32', CLI_PATH, 'state', '--from', big]);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { type: 'STREAM', stream: { stream_descriptor: { name: 'Account' }, stream_state: { SystemModstamp: new Date(399_000).toISOString() } } },
    ]);
  });
});
