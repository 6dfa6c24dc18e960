/** The command blocks the README and the user guide show, for tests that compare or run them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

/** The heading of the image section (of any level). */
export const IMAGE_SECTION = /^#+ Running the image\n/m;
/** The paragraph on trying the image against the bundled emulator. */
export const EMULATOR_PARAGRAPH = /^\*\*Trying the image on the bundled emulator first\.\*\*/m;

/** The first ```sh block after the line matching `after` in the repository file `relative`. */
export function commandsAfter(relative: string, after: RegExp): string {
  const text = readFileSync(path.join(REPO_ROOT, relative), 'utf8');
  const heading = after.exec(text);
  if (!heading) throw new Error(`${relative} has no line matching ${String(after)}`);
  const block = /```sh\n([\s\S]*?)```\n/.exec(text.slice(heading.index));
  if (!block) throw new Error(`${relative} has no sh block after ${String(after)}`);
  return block[1];
}
