/**
 * The describe() of a suite over the recordings (recordings.ts): it runs when they are there.
 * Without them it is skipped and says so, except under CI (`CI` set), where a missing folder is a
 * failure: CI always has ../shared, so a skip there would be a conformance suite that silently
 * stopped running.
 */
import { describe, it } from '@jest/globals';
import { nativeImport } from '../helpers/native.js';

const { REALWIRE_DIR, realwireAvailable } = nativeImport<typeof import('./recordings.js')>(new URL('./recordings.js', import.meta.url));

export function realwireSuite(name: string, body: () => void): void {
  if (realwireAvailable()) return describe(name, body);
  if (process.env.CI) {
    return describe(name, () => {
      it('needs the recorded Salesforce answers', () => {
        throw new Error(`${REALWIRE_DIR} is missing: CI must run with ../shared/realwire next to the repository.`);
      });
    });
  }
  console.warn(`${name}: skipped, because ${REALWIRE_DIR} is absent (a clone on its own).`);
  describe.skip(name, body);
}
