/**
 * The README and the user guide both show how to run the image; the two command blocks must stay the
 * same, so that neither is updated alone.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers/paths.js';

/** The first ```sh block after the heading `Running the image` (of any level). */
function imageCommands(relative: string): string {
  const text = readFileSync(path.join(REPO_ROOT, relative), 'utf8');
  const heading = /^#+ Running the image\n/m.exec(text);
  if (!heading) throw new Error(`${relative} has no 'Running the image' heading`);
  const block = /```sh\n([\s\S]*?)```\n/.exec(text.slice(heading.index));
  if (!block) throw new Error(`${relative} has no sh block after 'Running the image'`);
  return block[1];
}

describe('README.md and docs/salesforce.md', () => {
  it('show the same commands for running the image', () => {
    const readme = imageCommands('README.md');
    expect(readme).toMatch(/docker build -t airbyte\/source-salesforce-ts:0\.1\.0 \./);
    expect(readme).toMatch(/ state < read-1\.jsonl > secrets\/state\.json/);
    expect(imageCommands('docs/salesforce.md')).toBe(readme);
  });
});
