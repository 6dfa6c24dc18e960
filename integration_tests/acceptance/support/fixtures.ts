/**
 * The acceptance fixtures in integration_tests/ (the files Airbyte's acceptance-test-config.yml
 * names), and an emulated org to run them against. The JSON configs name the emulator at a fixed
 * port (so `npm run emulator -- --port 48123` serves them as they are); each suite starts its own
 * emulator on a free port over HTTPS and points the configs there instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Emulator, EmulatorOptions } from '../../emulator/index.js';
import { nativeImport, nativePackage } from '../../helpers/native.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const { parse: parseYaml } = nativePackage<typeof import('yaml')>('yaml');
const { startEmulator } = nativeImport<typeof import('../../emulator/index.js')>(new URL('../../emulator/index.js', import.meta.url));

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are checked by the tests that use them

export const FIXTURE_DIR = path.join(REPO_ROOT, 'integration_tests');

export function repoFile(relative: string): string {
  return path.join(REPO_ROOT, relative);
}

export function readJson(relative: string): Json {
  return JSON.parse(readFileSync(repoFile(relative), 'utf8')) as Json;
}

export function readJsonLines(relative: string): Json[] {
  return readFileSync(repoFile(relative), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Json);
}

/** A YAML file of the repository; duplicate keys and syntax errors throw (the `yaml` package's defaults). */
export function readYaml(relative: string): unknown {
  return parseYaml(readFileSync(repoFile(relative), 'utf8')) as unknown;
}

/** The parts of acceptance-test-config.yml the suite follows. */
export interface AcceptanceConfig {
  connector_image: string;
  test_strictness_level?: string;
  acceptance_tests: {
    spec: { tests: { spec_path: string; config_path?: string }[] };
    connection: { tests: { config_path: string; status: 'succeed' | 'failed' | 'exception' }[] };
    discovery: { tests: { config_path: string }[] };
    basic_read: {
      tests: {
        config_path: string;
        configured_catalog_path?: string;
        empty_streams?: { name: string; bypass_reason?: string }[];
        expect_records?: { path: string; exact_order?: boolean; extra_records?: boolean; fail_on_extra_columns?: boolean };
      }[];
    };
    full_refresh: { tests: { config_path: string; configured_catalog_path: string }[] };
    incremental: {
      tests: { config_path: string; configured_catalog_path: string; future_state?: { future_state_path: string } }[];
    };
  };
}

export function acceptanceConfig(): AcceptanceConfig {
  return readYaml('integration_tests/acceptance-test-config.yml') as unknown as AcceptanceConfig;
}

export const SAMPLE_CONFIG = 'integration_tests/sample_config.json';
export const INVALID_CONFIG = 'integration_tests/invalid_config.json';
export const CONFIGURED_CATALOG = 'integration_tests/configured_catalog.json';
export const ABNORMAL_STATE = 'integration_tests/abnormal_state.json';
export const EXPECTED_RECORDS = 'integration_tests/expected_records.jsonl';

/** The fixed emulator address the fixture configs use. */
export const FIXTURE_EMULATOR_PORT = 48123;

export interface AcceptanceOrg {
  emulator: Emulator;
  /** A fixture config (by its path) pointed at this emulator. */
  config(relative?: string): Json;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** An emulated org (default seed, so its data matches expected_records.jsonl), reached over HTTPS. */
export async function startAcceptanceOrg(options: EmulatorOptions = {}): Promise<AcceptanceOrg> {
  const emulator = await startEmulator({ https: true, ...options });
  const hostname = options.https === false ? emulator.url : emulator.hostname;
  return {
    emulator,
    config: (relative = SAMPLE_CONFIG) => ({ ...readJson(relative), hostname }),
    env: { ...(emulator.caFile ? { NODE_EXTRA_CA_CERTS: emulator.caFile } : {}), SOURCE_SALESFORCE_MAX_RETRY_DELAY_MS: '50' },
    close: () => emulator.close(),
  };
}

/** Removes keys starting with `_`, as the acceptance suite does before validating a config. */
export function withoutPrivateKeys(config: Json): Json {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !key.startsWith('_')));
}
