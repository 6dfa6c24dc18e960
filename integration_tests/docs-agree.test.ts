/**
 * The README and the user guide both show how to run the image, on a real org and on the bundled
 * emulator; their command blocks must stay the same, so that neither is updated alone.
 */
import { describe, expect, it } from '@jest/globals';
import { EMULATOR_PARAGRAPH as EMULATOR, IMAGE_SECTION as IMAGE, commandsAfter } from './helpers/readme-blocks.js';

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
