/** Starts the emulator for a test and builds the matching connector config and environment. */
import type { Emulator, EmulatorOptions } from '../emulator/index.js';
import { configuredCatalog, runConnector, type Message } from './connector-runner.js';
import { nativeImport } from './native.js';

const { startEmulator } = nativeImport<typeof import('../emulator/index.js')>(new URL('../emulator/index.js', import.meta.url));

export interface TestOrg {
  emulator: Emulator;
  config: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
}

/**
 * A quarter of the emulator's default org, for tests whose point holds at any size. Its Contact
 * mass update (460 records in the default org) then spans all 200 Contacts: one SystemModstamp.
 */
export const QUARTER_ORG_COUNTS = { Account: 38, Contact: 200, Lead: 75, Opportunity: 63, Case: 75, User: 10 };

export const CLIENT_ID = 'demo-client-id';
export const CLIENT_SECRET = 'demo-client-secret';

/** Over HTTPS by default, trusted the way operators trust a proxy CA: NODE_EXTRA_CA_CERTS. */
export async function startOrg(options: EmulatorOptions = {}, extraConfig: Record<string, unknown> = {}): Promise<TestOrg> {
  const https = options.https ?? true;
  const emulator = await startEmulator({ ...options, https });
  const hostname = https ? emulator.hostname : `http://${emulator.hostname}`;
  return {
    emulator,
    config: { hostname, credentials: { auth_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, ...extraConfig },
    env: {
      ...(emulator.caFile ? { NODE_EXTRA_CA_CERTS: emulator.caFile } : {}),
      // Short pauses: the emulator's outages and Bulk jobs do not need real-world patience.
      SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS: '50',
      SOURCE_SALESFORCE_BULK_FIRST_POLL_MS: '10',
    },
  };
}

/** An org plus its discovered catalog, every stream configured for the given sync mode. */
export async function startDiscoveredOrg(
  options: EmulatorOptions = {},
  mode: 'incremental' | 'full_refresh' = 'incremental',
): Promise<{ org: TestOrg; catalog: Message }> {
  const org = await startOrg(options);
  const discovered = await runConnector('discover', { config: org.config, env: org.env });
  return { org, catalog: configuredCatalog(discovered.catalog!, mode) };
}

/**
 * The default org's catalog, discovered on an org of its own that is closed again: for files whose
 * orgs differ from it in data, sessions, faults or limits, not in schema.
 */
export async function discoverDefaultCatalog(mode: 'incremental' | 'full_refresh' = 'incremental'): Promise<Message> {
  const { org, catalog } = await startDiscoveredOrg({}, mode);
  await org.emulator.close();
  return catalog;
}
