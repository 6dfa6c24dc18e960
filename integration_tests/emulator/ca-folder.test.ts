import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

describe('the CA file of HTTPS emulators', () => {
  it('stays while any emulator of the process is open, and its folder goes with the last close', async () => {
    const first = await startEmulator({ https: true });
    const second = await startEmulator({ https: true });
    expect(second.caFile).toBe(first.caFile);
    expect(existsSync(first.caFile!)).toBe(true);
    await first.close();
    expect(existsSync(first.caFile!)).toBe(true); // the second still hands it to its children
    await second.close();
    expect(existsSync(path.dirname(first.caFile!))).toBe(false);
    const third = await startEmulator({ https: true });
    expect(existsSync(third.caFile!)).toBe(true);
    await third.close();
    expect(existsSync(path.dirname(third.caFile!))).toBe(false);
  });
});
