/**
 * The TypeScript types in generated/ are rebuilt from spec.json and the protocol schema by
 * scripts/generate-types.mjs; committed types that no longer match their schemas fail the build here.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../helpers/paths.js';

describe('generated types', () => {
  it('are up to date with spec.json and the protocol schema', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/generate-types.mjs'), '--check'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, output }).toEqual({ code: 0, output: '' });
  });
});
