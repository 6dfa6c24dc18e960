/** Jest-only companion of org.ts (which the demo also imports, outside Jest). */
import { afterEach } from '@jest/globals';
import type { EmulatorOptions } from '../emulator/index.js';
import { startDiscoveredOrg, type TestOrg } from './org.js';

/**
 * For a test file: registers an afterEach that closes the org, and returns the setUp that starts a
 * discovered org for one test.
 */
export function discoveredOrgPerTest(): (options?: EmulatorOptions) => ReturnType<typeof startDiscoveredOrg> {
  let current: TestOrg | undefined;
  afterEach(async () => {
    await current?.emulator.close();
    current = undefined;
  });
  return async (options = {}) => {
    const started = await startDiscoveredOrg(options);
    current = started.org;
    return started;
  };
}
