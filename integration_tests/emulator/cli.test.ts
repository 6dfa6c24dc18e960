import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

describe('CLI', () => {
  it('prints its connection details as one JSON line and stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    const child = spawn(process.execPath, [main, '--port', '0', '--seed', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited early with ${String(code)}`)));
    });
    const info = JSON.parse(line) as { url: string; hostname: string; caFile: string | null; clientId: string; clientSecret: string };
    expect(info).toMatchObject({ clientId: 'demo-client-id', clientSecret: 'demo-client-secret', caFile: null });
    expect(info.hostname).toMatch(/^localhost:\d+$/);
    const versions = await fetch(`${info.url}/services/data/`);
    expect(versions.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
