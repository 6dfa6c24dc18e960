/**
 * `npm run emulator` prints a hostname that the connector's config takes as it is, in either mode,
 * and leaves no temporary folder behind when it stops; `--help` lists its options; on request it
 * changes some records, which an operator's second, incremental read then delivers.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { configuredCatalog, idsOf, runConnector, stateFrom } from './helpers/connector-runner.js';
import { REPO_ROOT } from './helpers/paths.js';

interface Info {
  url: string;
  hostname: string;
  caFile: string | null;
  clientId: string;
  clientSecret: string;
  /** what a person saves as config.json */
  config: { hostname: string; credentials: Record<string, unknown> };
  pid: number;
}

const MAIN = path.join(REPO_ROOT, 'dist/integration_tests/emulator/main.js');

/** `use` gets the printed details, a way to type a line on the emulator's stdin, and the next line it prints on stderr. */
async function withEmulator(
  args: string[],
  use: (info: Info, emulator: { type: (line: string) => void; nextNote: () => Promise<string>; pid: number }) => Promise<void>,
): Promise<number | null> {
  // Under the README's umask 077, as an operator who followed it runs the emulator.
  const child = spawn('bash', ['-c', 'umask 077 && exec "$0" "$@"', process.execPath, MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const notes: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stderr }).on('line', (line) => (waiting.length ? waiting.shift()!(line) : notes.push(line)));
  const nextNote = () => new Promise<string>((resolve) => (notes.length ? resolve(notes.shift()!) : waiting.push(resolve)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      void exited.then((code) => reject(new Error(`the emulator exited early with ${String(code)}: ${notes.join('\n')}`)));
    });
    await use(JSON.parse(line) as Info, { type: (text) => child.stdin.write(`${text}\n`), nextNote, pid: child.pid! });
  } finally {
    child.kill('SIGTERM');
  }
  return exited;
}

const configOf = (info: Info) => {
  // The printed config is the one the tests use: it is what a person pastes.
  expect(info.config).toEqual({
    hostname: info.hostname,
    credentials: { auth_type: 'client_credentials', client_id: info.clientId, client_secret: info.clientSecret },
  });
  return info.config;
};

describe('npm run emulator', () => {
  it('--help prints every option and how to get changes, and exits 0', async () => {
    const child = spawn(process.execPath, [MAIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(out).toMatch(/^usage: npm run emulator -- \[options\]/);
    const flags = ['--port', '--https', '--auth', '--rotate-refresh-tokens', '--config-file', '--seed', '--counts', '--max-batch-size'];
    for (const flag of [...flags, '--long-text-chars', '--bulk-polls', '--latency-ms', '--error-rate', '-h, --help']) expect(out).toContain(`  ${flag}`);
    expect(out).toMatch(/SIGUSR2/);
    expect(out).toMatch(/--network host/);
  });

  // Over HTTP, as an operator runs it by default; one emulator serves both points.
  it('over HTTP prints hostname http://127.0.0.1:PORT, which check accepts; writes its config for a container with --config-file (readable by others, whatever the umask), and on request changes records that the next incremental read delivers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulator-config-'));
    const file = path.join(dir, 'config.json');
    try {
      const code = await withEmulator(
        ['--config-file', file, '--counts', 'Account=20,Contact=20,Lead=5,Opportunity=5,Case=5,User=4'],
        async (info, emulator) => {
          expect(info.hostname).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
          expect(info.caFile).toBeNull();
          const check = await runConnector('check', { config: configOf(info) });
          expect(check.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
          expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(info.config);
          expect(statSync(file).mode & 0o777).toBe(0o644);
          expect(info.pid).toBe(emulator.pid);
          const discovered = await runConnector('discover', { config: info.config });
          const catalog = configuredCatalog(discovered.catalog!, 'incremental');
          const first = await runConnector('read', { config: info.config, catalog });
          expect(first.exitCode).toBe(0);
          const unchanged = await runConnector('read', { config: info.config, catalog, state: stateFrom(first.states) });
          // Only the look-back window's versions already delivered: nothing new.
          expect(unchanged.records).toEqual([]);

          process.kill(emulator.pid, 'SIGUSR2');
          expect(await emulator.nextNote()).toMatch(
            /^salesforce emulator: changes round 1: Account 2 updated, 1 inserted, 1 deleted; .*User 2 updated, 1 inserted, 0 deleted; an incremental read/,
          );
          emulator.type('');
          expect(await emulator.nextNote()).toMatch(/^salesforce emulator: changes round 2: Account 2 updated/);

          const second = await runConnector('read', { config: info.config, catalog, state: stateFrom(first.states) });
          expect(second.exitCode).toBe(0);
          const accounts = second.recordsOf('Account');
          // Two rounds: 4 updated, 2 inserted, 2 soft-deleted (delivered with IsDeleted true).
          expect(accounts).toHaveLength(8);
          expect(accounts.filter((r) => r.IsDeleted === true)).toHaveLength(2);
          expect(accounts.filter((r) => /^Changed on the emulator, round [12]$/.test(r.Description))).toHaveLength(4);
          expect(new Set(idsOf(accounts)).size).toBe(8);
          expect(second.recordsOf('User')).toHaveLength(6);
        },
      );
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with --auth prints a ready config for the refresh token or JWT bearer flow, which check accepts; over HTTPS, hostname localhost:PORT and a caFile that check trusts, removed when it stops', async () => {
    // One emulator per flow, side by side; the refresh token one over HTTPS (HTTP is the --config-file test's).
    const flows = [
      ['refresh_token', ['refresh_token', 'client_secret'], ['--https']],
      ['jwt_bearer', ['username', 'private_key'], []],
    ] as const;
    let caFile = '';
    const codes = await Promise.all(
      flows.map(([flow, fields, transport]) =>
        withEmulator(['--auth', flow, '--rotate-refresh-tokens', ...transport], async (info) => {
          expect(info.config).toMatchObject({ hostname: info.hostname, credentials: { auth_type: flow, client_id: info.clientId } });
          for (const field of fields) expect(typeof info.config.credentials[field]).toBe('string');
          if (transport.length) {
            expect(info.hostname).toMatch(/^localhost:\d+$/);
            caFile = info.caFile!;
            expect(existsSync(caFile)).toBe(true);
          }
          const check = await runConnector('check', { config: info.config, env: transport.length ? { NODE_EXTRA_CA_CERTS: caFile } : {} });
          expect(check.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
          // Rotation is on: a refresh token config gets its successor, JWT has nothing to rotate.
          expect(check.controls).toHaveLength(flow === 'refresh_token' ? 1 : 0);
        }),
      ),
    );
    expect(codes).toEqual([0, 0]);
    expect(caFile).not.toBe('');
    expect(existsSync(path.dirname(caFile))).toBe(false);
  });
});
