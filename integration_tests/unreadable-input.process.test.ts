/**
 * An input file the connector may not read, as the image meets one: the operator's files are private
 * (umask 077) and the image runs as uid 10001. The compiled CLI runs as a child process under another
 * user than the files' owner (as root: uid 10001, like the image; otherwise the owner with the file's
 * mode at 000), so the error is a real EACCES from the kernel. The message must say permission denied
 * and how to fix it, for each of config, catalog and state.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_PATH } from './helpers/paths.js';
import { lineProblems } from './helpers/protocol-validator.js';
import type { Message } from './helpers/run-result.js';

const asRoot = process.getuid?.() === 0;
const IMAGE_UID = 10001;

const config = { hostname: 'http://127.0.0.1:9', client_id: 'id', client_secret: 'never-printed' };
const stream = { name: 'Account', json_schema: { type: 'object', properties: { Id: { type: 'string' } } }, supported_sync_modes: ['incremental'] };
const catalog = { streams: [{ stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' }] };
const state = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'Account' }, stream_state: { SystemModstamp: '2024-01-01T00:00:00.000Z' } } }];

async function readWithPrivate(role: 'config' | 'catalog' | 'state'): Promise<{ code: number | null; lines: Message[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'unreadable-'));
  chmodSync(dir, 0o755);
  try {
    const argv = ['read'];
    for (const [name, value] of Object.entries({ config, catalog, state })) {
      const file = path.join(dir, `${name}.json`);
      // The private one as the README's umask 077 leaves it (or unreadable even to its owner when not root).
      writeFileSync(file, JSON.stringify(value));
      chmodSync(file, name === role ? (asRoot ? 0o600 : 0o000) : 0o644);
      argv.push(`--${name}`, file);
    }
    const child = spawn(process.execPath, [CLI_PATH, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: IMAGE_UID, gid: IMAGE_UID } : {}),
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = stdout.split('\n').filter(Boolean);
    for (const line of lines) expect(lineProblems(line)).toEqual([]);
    return { code, lines: lines.map((l) => JSON.parse(l)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('an input file the connector may not read', () => {
  it.each(['config', 'catalog', 'state'] as const)('the %s file: a config_error saying permission denied and the fix', async (role) => {
    const { code, lines } = await readWithPrivate(role);
    expect(code).toBe(1);
    const errors = lines.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR').map((m) => m.trace.error);
    expect(errors).toHaveLength(1);
    expect(errors[0].failure_type).toBe('config_error');
    const uid = asRoot ? IMAGE_UID : process.getuid!();
    expect(errors[0].message).toMatch(new RegExp(`^The ${role} file \\S+${role}\\.json cannot be read by this process \\(uid ${uid}\\): permission denied;`));
    expect(errors[0].message).toMatch(/chmod 644 .*uid 10001.* or run the connector as the file's owner \(docker run --user\)/);
    expect(errors[0].internal_message).toMatch(/EACCES/);
  });
});
