/**
 * The `config` helper as an operator runs it, the compiled CLI as a child process: it saves the
 * config of a command's newest CONTROL message as the config file, replaced whole and private, and
 * leaves the file alone when the output holds none (the old recipe wrote an empty file then).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runConnector } from './helpers/connector-runner.js';
import { CLIENT_ID, CLIENT_SECRET, startOrg } from './helpers/org.js';
import { CLI_PATH } from './helpers/paths.js';

const dir = mkdtempSync(path.join(tmpdir(), 'config-helper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `cli.js config ARGS` with `stdin` piped in; `shell` runs first in the same shell (a resource limit). */
function runConfig(args: string[], stdin: string, shell?: string): Promise<Run> {
  const command = [process.execPath, CLI_PATH, 'config', ...args];
  const child = shell
    ? spawn('bash', ['-c', `${shell}; exec "$@"`, 'bash', ...command], { stdio: 'pipe' })
    : spawn(command[0], command.slice(1), { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined); // a helper that died early closed its end
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const control = (config: Record<string, unknown>) =>
  JSON.stringify({ type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: 1, connectorConfig: { config } } });
const log = (message: string) => JSON.stringify({ type: 'LOG', log: { level: 'INFO', message } });
const OLD = { hostname: 'acme.my.salesforce.com', client_id: 'id', client_secret: 'secret', auth_type: 'refresh_token', refresh_token: 'old' };
const OLD_TEXT = JSON.stringify(OLD, null, 2) + '\n';

let n = 0;
/** A config file holding OLD, world-readable as an editor might leave it. */
function oldConfigFile(): string {
  const file = path.join(dir, `config-${++n}.json`);
  writeFileSync(file, OLD_TEXT, { mode: 0o644 });
  return file;
}

describe('config --config FILE', () => {
  it('saves the config of a rotated refresh token, and the next command works with it', async () => {
    const org = await startOrg({ clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, rotateRefreshTokens: true }] });
    try {
      const config = {
        ...org.config,
        credentials: { auth_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: org.emulator.issueRefreshToken() },
      };
      const file = path.join(dir, 'rotated.json');
      writeFileSync(file, JSON.stringify(config));
      const first = await runConnector('check', { config, env: org.env });
      expect(first.controls).toHaveLength(1);
      const output = first.messages.map((m) => JSON.stringify(m)).join('\n') + '\n';
      const run = await runConfig(['--config', file], output);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      expect(run.stderr).toBe(`source-salesforce config: saved the config of the newest CONTROL message as ${file} (readable by you only).\n`);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { credentials: Record<string, unknown> };
      expect(saved).toEqual(first.controls[0].control.connectorConfig.config);
      expect(saved.credentials.refresh_token).not.toBe(config.credentials.refresh_token);
      // The old token is retired; the saved one works.
      const next = await runConnector('check', { config: saved, env: org.env });
      expect(next.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
    } finally {
      await org.emulator.close();
    }
  });

  it('leaves FILE untouched when the output holds no CONTROL message, says so, and exits 0', async () => {
    const file = oldConfigFile();
    const before = statSync(file);
    const run = await runConfig(['--config', file], `${log('a')}\n${log('b')}\n`);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toBe(
      `source-salesforce config: no CONTROL message with a config in standard input (2 lines), so ${file} is left as it was: it is still the config to use.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe(OLD_TEXT);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs, after.mode]).toEqual([before.ino, before.mtimeMs, before.mode]);
  });

  it('replaces FILE whole with a new private file (mode 0600), and creates it private when it did not exist', async () => {
    const file = oldConfigFile();
    const before = statSync(file);
    const run = await runConfig(['--config', file], control({ ...OLD, refresh_token: 'new' }) + '\n');
    expect(run.code).toBe(0);
    const after = statSync(file);
    expect(after.mode & 0o777).toBe(0o600);
    // A new file renamed over the old one, not the old one rewritten in place.
    expect(after.ino).not.toBe(before.ino);
    const fresh = path.join(dir, 'fresh.json');
    expect((await runConfig(['--config', fresh], control(OLD) + '\n')).code).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(fresh, 'utf8'))).toEqual(OLD);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('never leaves FILE truncated: a write that fails midway (the file size limit) leaves the old config whole', async () => {
    const file = oldConfigFile();
    // Past `ulimit -f 1` (1 KiB) the kernel refuses to write more (EFBIG): the new config is
    // longer, the old one shorter, so only a file rewritten in place could end up cut.
    const big = { ...OLD, refresh_token: 'x'.repeat(8192) };
    const run = await runConfig(['--config', file], control(big) + '\n', 'ulimit -f 1');
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(`source-salesforce config: cannot write ${file} (EFBIG); it is left as it was.\n`);
    expect(readFileSync(file, 'utf8')).toBe(OLD_TEXT);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('says what went wrong when FILE cannot be replaced (a folder), and exits 1 leaving it as it was', async () => {
    const folder = mkdtempSync(path.join(dir, 'a-folder-'));
    const run = await runConfig(['--config', folder], control(OLD) + '\n');
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(`source-salesforce config: cannot write ${folder} (EISDIR); it is left as it was.\n`);
    expect(statSync(folder).isDirectory()).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  // The exit code as the shell sees it; the other wrong command lines and their sentences are in
  // front-door.test.ts, in-process: a process shows nothing more of them.
  it('a wrong command line (no --config) exits 2', async () => {
    const run = await runConfig([], '');
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/--config FILE is missing/);
    expect(run.stderr).toMatch(/use: source-salesforce config --config FILE/);
  });
});

describe('--help', () => {
  it('lists the config helper', async () => {
    const child = spawn(process.execPath, [CLI_PATH, '--help']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    expect(await new Promise((resolve) => child.once('close', resolve))).toBe(2);
    expect(stderr).toMatch(/^ {2}config --config FILE {2}save the config of the newest CONTROL message/m);
  });
});
