/** Jest-only companion of org.ts (which the demo also imports, outside Jest). */
import { afterEach, beforeAll } from '@jest/globals';
import type { EmulatorOptions } from '../emulator/index.js';
import { withFields, type Message } from './connector-runner.js';
import { discoverDefaultCatalog, startOrg, type TestOrg } from './org.js';

/**
 * For a test file whose orgs differ in data, faults or sessions but not in schema: the default org's
 * catalog is discovered once and cut to `fields` (tests about calls and pages, not columns), and
 * each test's org is closed after it. Orgs answer over plain HTTP without gzip unless `defaults` or
 * the test say otherwise: TLS and compression would cost every call on both ends.
 */
export function orgPerTestWithCatalog(
  fields: readonly string[],
  defaults: EmulatorOptions = {},
): (options?: EmulatorOptions) => Promise<{ org: TestOrg; catalog: Message }> {
  let catalog: Message;
  let current: TestOrg | undefined;
  beforeAll(async () => {
    catalog = withFields(await discoverDefaultCatalog(), fields);
  });
  afterEach(async () => {
    await current?.emulator.close();
    current = undefined;
  });
  return async (options = {}) => {
    current = await startOrg({ https: false, gzip: false, ...defaults, ...options });
    return { org: current, catalog };
  };
}
