/**
 * The README and the user guide both show how to run the image, on a real org and on the bundled
 * emulator; their command blocks must stay the same, so that neither is updated alone.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers/paths.js';

/** The first ```sh block after the line matching `after` (a heading, or a paragraph's bold start). */
function commandsAfter(relative: string, after: RegExp): string {
  const text = readFileSync(path.join(REPO_ROOT, relative), 'utf8');
  const heading = after.exec(text);
  if (!heading) throw new Error(`${relative} has no line matching ${String(after)}`);
  const block = /```sh\n([\s\S]*?)```\n/.exec(text.slice(heading.index));
  if (!block) throw new Error(`${relative} has no sh block after ${String(after)}`);
  return block[1];
}

const IMAGE = /^#+ Running the image\n/m;
const EMULATOR = /^\*\*Trying the image on the bundled emulator first\.\*\*/m;

describe('README.md and docs/salesforce.md', () => {
  it('show the same commands for running the image', () => {
    const readme = commandsAfter('README.md', IMAGE);
    expect(readme).toMatch(/docker build -t airbyte\/source-salesforce-ts:0\.1\.0 \./);
    expect(readme).toMatch(/ state < read-1\.jsonl > secrets\/state\.json/);
    expect(commandsAfter('docs/salesforce.md', IMAGE)).toBe(readme);
  });

  it('show the same commands for trying the image on the emulator, on the host network', () => {
    const readme = commandsAfter('README.md', EMULATOR);
    expect(readme).toMatch(/^npm ci && npm run emulator -- --config-file ~\/salesforce-sync\/secrets\/config\.json$/m);
    expect(readme).toMatch(/^connector\(\) \{ docker run --rm -i --network host /m);
    expect(commandsAfter('docs/salesforce.md', EMULATOR)).toBe(readme);
  });
});
