/**
 * `npm run emulator` prints a hostname that the connector's config takes as it is, in either mode,
 * and leaves no temporary folder behind when it stops.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { runConnector } from './helpers/connector-runner.js';
import { REPO_ROOT } from './helpers/paths.js';

interface Info {
  url: string;
  hostname: string;
  caFile: string | null;
  clientId: string;
  clientSecret: string;
  /** what a person saves as config.json */
  config: Record<string, unknown>;
}

async function withEmulator(args: string[], use: (info: Info) => Promise<void>): Promise<number | null> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/integration_tests/emulator/main.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      void exited.then((code) => reject(new Error(`the emulator exited early with ${String(code)}`)));
    });
    await use(JSON.parse(line) as Info);
  } finally {
    child.kill('SIGTERM');
  }
  return exited;
}

const configOf = (info: Info) => {
  // The printed config is the one the tests use: it is what a person pastes.
  expect(info.config).toEqual({ hostname: info.hostname, client_id: info.clientId, client_secret: info.clientSecret });
  return info.config;
};

describe('npm run emulator', () => {
  it('over HTTP prints hostname http://127.0.0.1:PORT, which check accepts', async () => {
    const code = await withEmulator([], async (info) => {
      expect(info.hostname).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.caFile).toBeNull();
      const check = await runConnector('check', { config: configOf(info) });
      expect(check.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
    });
    expect(code).toBe(0);
  });

  it('over HTTPS prints hostname localhost:PORT and a caFile that make check succeed, and removes the caFile when stopped', async () => {
    let caFile = '';
    const code = await withEmulator(['--https'], async (info) => {
      expect(info.hostname).toMatch(/^localhost:\d+$/);
      caFile = info.caFile!;
      expect(existsSync(caFile)).toBe(true);
      const check = await runConnector('check', { config: configOf(info), env: { NODE_EXTRA_CA_CERTS: caFile } });
      expect(check.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
    });
    expect(code).toBe(0);
    expect(existsSync(path.dirname(caFile))).toBe(false);
  });

  it('with --auth prints a ready config for the refresh token or JWT bearer flow, which check accepts', async () => {
    for (const [flow, fields] of [
      ['refresh_token', ['refresh_token', 'client_secret']],
      ['jwt_bearer', ['username', 'private_key']],
    ] as const) {
      const code = await withEmulator(['--auth', flow, '--rotate-refresh-tokens'], async (info) => {
        expect(info.config).toMatchObject({ hostname: info.hostname, auth_type: flow, client_id: info.clientId });
        for (const field of fields) expect(typeof info.config[field]).toBe('string');
        const check = await runConnector('check', { config: info.config });
        expect(check.connectionStatus!.connectionStatus.status).toBe('SUCCEEDED');
        // Rotation is on: a refresh token config gets its successor, JWT has nothing to rotate.
        expect(check.controls).toHaveLength(flow === 'refresh_token' ? 1 : 0);
      });
      expect(code).toBe(0);
    }
  });
});
