/**
 * The rule that splits the suite into its two lanes (jest.config.js): a test file that starts child
 * processes is named `*.process.test.ts`, and only such a file does. `npm run test:fast` leaves the
 * `.process.` files out, so a test that spawned a process under another name would slow the fast
 * lane, and a `.process.` file that spawns nothing would be missing from it.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers/paths.js';

/** Every test source under `folder`, relative to the repository. */
function testFiles(folder: string): string[] {
  return readdirSync(path.join(REPO_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join(folder, file));
}

// Importing child_process, or running the connector through the helper that spawns the CLI (spelled
// in pieces, so that this file does not match itself).
const STARTS_PROCESSES = new RegExp(["from 'node:child", "_process'|\\brunConnector", 'Process\\('].join(''));

describe('test lanes', () => {
  const files = [...testFiles('connector'), ...testFiles('integration_tests')];

  it('finds the test files', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('name *.process.test.ts exactly the files that start child processes', () => {
    const misnamed = files.filter((file) => STARTS_PROCESSES.test(readFileSync(path.join(REPO_ROOT, file), 'utf8')) !== file.endsWith('.process.test.ts'));
    expect(misnamed).toEqual([]);
  });
});
