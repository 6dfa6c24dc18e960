/**
 * The CLI's front door as main() and the `state` helper see it, in-process: which command lines ask
 * for the usage text, wrong command lines, a config path that is a directory, and resuming by hand
 * with the helper and the forms --state takes; which CONTROL message the `config` helper saves, and
 * its wrong command lines. What only a process shows (exit codes as the shell sees them, the
 * shebang, last words, the helpers under a small heap or a file size limit) is in the .process. files.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { configuredCatalog, runCommandLine, runConnector, stateFrom, type Message, type RunResult } from './helpers/connector-runner.js';
import { nativeImport } from './helpers/native.js';
import { startOrg, type TestOrg } from './helpers/org.js';

const { USAGE_TEXT, wantsUsage } = nativeImport<typeof import('../connector/runtime/usage.js')>(new URL('../connector/runtime/usage.js', import.meta.url));
const { runStateHelper } = nativeImport<typeof import('../connector/runtime/state-helper.js')>(
  new URL('../connector/runtime/state-helper.js', import.meta.url),
);
const { runConfigHelper } = nativeImport<typeof import('../connector/runtime/config-helper.js')>(
  new URL('../connector/runtime/config-helper.js', import.meta.url),
);

const dir = mkdtempSync(path.join(tmpdir(), 'front-door-'));

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

interface HelperRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collect() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

/** The state helper on `argv`, with `stdin` piped in (a pipe, not a terminal). */
async function runHelper(argv: string[], stdin = ''): Promise<HelperRun> {
  const stdout = collect();
  const stderr = collect();
  const code = await runStateHelper(argv, { stdin: Readable.from([stdin]), stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The config helper on `argv`, with `stdin` piped in; it has no stdout. */
async function runConfigHelperOn(argv: string[], stdin = ''): Promise<Omit<HelperRun, 'stdout'>> {
  const stderr = collect();
  const code = await runConfigHelper(argv, { stdin: Readable.from([stdin]), stderr: stderr.stream });
  return { code, stderr: stderr.text() };
}

describe('usage', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']], [['read', '--help']]])('%j asks for the usage text', (args) => {
    expect(wantsUsage(args)).toBe(true);
  });

  it.each([[['spec']], [['read', '--config', 'c.json']], [['state']]])('%j does not', (args) => {
    expect(wantsUsage(args)).toBe(false);
  });

  it('names every command and its options', () => {
    expect(USAGE_TEXT).toMatch(/^Usage: source-salesforce COMMAND/);
    expect(USAGE_TEXT).toMatch(/read +--config FILE --catalog FILE \[--state FILE\]/);
    expect(USAGE_TEXT).toMatch(/state \[--from FILE\]/);
  });
});

describe('wrong command lines', () => {
  it.each([
    [['write'], /^Unknown command 'write'; the commands are spec, check, discover and read \(--help explains them\)\.$/],
    [['check', '--verbose'], /^Unknown argument '--verbose' for check; check takes --config FILE\.$/],
    [['check', 'config.json'], /^Unknown argument 'config\.json' for check; check takes --config FILE, so write --config config\.json\.$/],
    [
      ['read', '--config', 'c.json', 'catalog.json'],
      /^Unknown argument 'catalog\.json' for read; read takes --config FILE --catalog FILE \[--state FILE\], so write --catalog catalog\.json\.$/,
    ],
    [['spec', '--config', 'c.json', 'x'], /^Unknown argument 'x' for spec; spec takes no options\.$/],
    [['read', '--config', 'c.json'], /^The read command needs --catalog FILE\.$/],
  ])('%j is one config_error TRACE without a stack, and a non-zero exit', async (args, message) => {
    const run = await runCommandLine(args);
    expect(run.exitCode).toBe(1);
    const [only, ...rest] = run.messages;
    expect(rest).toEqual([]);
    expect(only.trace.error).toEqual({
      message: expect.stringMatching(message),
      failure_type: 'config_error',
      internal_message: expect.stringMatching(/^usage: /),
    });
  });

  it('a config path that is a directory is a config_error (a FAILED status for check) naming it', async () => {
    const read = await runCommandLine(['read', '--config', dir, '--catalog', dir]);
    expect(read.exitCode).toBe(1);
    const [error] = read.messages;
    expect(error.trace.error.message).toBe(`The config file ${dir} is a directory; pass the right path with --config.`);
    expect(error.trace.error.stack_trace).toBeUndefined();
    const check = await runCommandLine(['check', '--config', dir]);
    expect(check.exitCode).toBe(0);
    expect(check.messages[0].connectionStatus).toEqual({
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
    const piped = await runHelper([], output);
    const named = await runHelper(['--from', file('read-1.jsonl', output)]);
    for (const run of [piped, named]) {
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected);
      expect(run.stderr).toMatch(/skipped 1 of \d+ lines that are not JSON/);
      expect(run.stderr).toMatch(/kept the last STATE of 3 streams out of \d+ lines of /);
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
    const run = await runHelper([], '{"type":"LOG","log":{"level":"INFO","message":"hi"}}\nnot json\n');
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      'source-salesforce state: skipped 1 of 2 lines that are not JSON (a read stopped mid-line leaves one).\n' +
        'source-salesforce state: no STATE message in standard input (2 lines); pass the output of a read that delivered at least one page, or run the next read without --state.\n',
    );
  });

  it('a single line without a STATE, counting it as one line', async () => {
    const run = await runHelper([], '{"type":"LOG","log":{"level":"INFO","message":"hi"}}\n');
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^source-salesforce state: no STATE message in standard input \(1 line\); /);
  });

  it.each([
    [['--form', 'x'], /unknown argument '--form'/],
    [['--from'], /--from needs a file path/],
    [['--from', 'a', 'b'], /unknown argument 'b'/],
  ])('%j as a wrong command line (exit 2)', async (args, message) => {
    const run = await runHelper(args);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/use: source-salesforce state \[--from FILE\]/);
  });

  it('a file it cannot read (exit 1)', async () => {
    const run = await runHelper(['--from', path.join(dir, 'missing.jsonl')]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^source-salesforce state: .*missing\.jsonl does not exist; use: /);
  });
});

describe('the config helper', () => {
  const control = (config: Record<string, unknown>) =>
    JSON.stringify({ type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: 1, connectorConfig: { config } } });
  const log = (message: string) => JSON.stringify({ type: 'LOG', log: { level: 'INFO', message } });
  const OLD = { hostname: 'acme.my.salesforce.com', client_id: 'id', client_secret: 'secret', auth_type: 'refresh_token', refresh_token: 'old' };

  it('takes the newest of several CONTROL messages', async () => {
    const target = file('config-newest.json', JSON.stringify(OLD));
    const lines = [control({ ...OLD, refresh_token: 'first' }), log('between'), control({ ...OLD, refresh_token: 'second' }), log('after')];
    const run = await runConfigHelperOn([`--config=${target}`], lines.join('\n') + '\n');
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ ...OLD, refresh_token: 'second' });
  });

  it('skips a last line cut off mid-way (a killed command), keeping the newest complete CONTROL', async () => {
    const target = file('config-cut.json', JSON.stringify(OLD));
    const cut = control({ ...OLD, refresh_token: 'cut' }).slice(0, 60);
    const run = await runConfigHelperOn(['--config', target], `${control({ ...OLD, refresh_token: 'whole' })}\n${cut}`);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^source-salesforce config: skipped 1 of 2 lines that are not JSON \(a command stopped mid-line leaves one\)\.\n/);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ ...OLD, refresh_token: 'whole' });
  });

  it('without a CONTROL message, says when FILE does not exist (a mistyped path), and exits 1', async () => {
    const target = path.join(dir, 'no-such-config.json');
    const run = await runConfigHelperOn(['--config', target], log('done') + '\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `source-salesforce config: no CONTROL message with a config in standard input (1 line), and ${target} does not exist: name the config file the command ran with.\n`,
    );
  });

  // A missing --config, through a process, is in config-helper.process.test.ts.
  it.each([
    [['--config'], /--config needs a file path/],
    [['--from', 'x'], /unknown argument '--from'/],
    [['--config', 'a', 'b'], /unknown argument 'b'/],
  ])('%j is a wrong command line (exit 2)', async (args, message) => {
    const run = await runConfigHelperOn(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/use: source-salesforce config --config FILE/);
  });
});
