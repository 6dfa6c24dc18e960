import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

type Info = { url: string; hostname: string; caFile: string | null; clientId: string; clientSecret: string };

function start(args: string[]) {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const info = new Promise<Info>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as Info));
    child.once('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${stderr}`)));
  });
  return { child, info, exited, stderr: () => stderr };
}

describe('CLI', () => {
  // One emulator takes them all; --clock-ahead-ms is negative, for an org whose clock is behind.
  it('takes --counts, --max-batch-size, --latency-ms, --error-rate for benchmarks, and --clock-ahead-ms, dating its answers by it', async () => {
    const cli = start(['--counts', 'Account=7,Contact=450', '--max-batch-size=200', '--latency-ms', '60', '--error-rate', '0', '--clock-ahead-ms', '-600000']);
    const info = await cli.info;
    const started = Date.now();
    const tokenReply = await fetch(`${info.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: info.clientId, client_secret: info.clientSecret }),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    const date = Date.parse(tokenReply.headers.get('date')!);
    expect(date).toBeLessThanOrEqual(Date.now() - 600_000);
    expect(date).toBeGreaterThanOrEqual(Math.floor((started - 600_000) / 1000) * 1000);
    const { access_token: token } = (await tokenReply.json()) as { access_token: string };
    const query = async (soql: string) => {
      const res = await fetch(`${info.url}/services/data/v62.0/queryAll?q=${encodeURIComponent(soql)}`, { headers: { Authorization: `Bearer ${token}` } });
      return (await res.json()) as { totalSize: number; records: unknown[] };
    };
    expect((await query('SELECT COUNT() FROM Account')).totalSize).toBe(7);
    const contacts = await query('SELECT Id FROM Contact');
    expect(contacts.totalSize).toBe(450);
    expect(contacts.records).toHaveLength(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('refuses bad flag values with a message', async () => {
    const bad = [['--error-rate', '1.5'], ['--counts', 'Widget=3'], ['--latency-ms', 'soon'], ['--clock-ahead-ms', '10min'], ['--bogus']];
    await Promise.all(
      bad.map(async (args) => {
        const cli = start(args);
        await expect(cli.info).rejects.toThrow();
        expect(await cli.exited).toBe(1);
        expect(cli.stderr()).toMatch(/salesforce emulator: /);
      }),
    );
  });

  it('prints its connection details as one JSON line and stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    const child = spawn(process.execPath, [main, '--port', '0', '--seed', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited early with ${String(code)}`)));
    });
    const info = JSON.parse(line) as { url: string; hostname: string; caFile: string | null; clientId: string; clientSecret: string };
    expect(info).toMatchObject({ clientId: 'demo-client-id', clientSecret: 'demo-client-secret', caFile: null });
    expect(info.hostname).toBe(info.url); // over HTTP the config needs the scheme: http://127.0.0.1:PORT
    const versions = await fetch(`${info.url}/services/data/`);
    expect(versions.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
