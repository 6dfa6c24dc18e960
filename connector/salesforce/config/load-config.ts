/**
 * Reads and validates the --config file against spec.json, then resolves it into what the rest of
 * the connector uses: the org host, the login flow and its credentials, the start date and the
 * selected objects. A config with the flat login fields of earlier versions is read as well, and
 * resolved with the same config in the `credentials` shape, which the platform should store.
 */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { SalesforceConfig } from '../../../generated/config.js';
import { ConfigError } from '../../runtime/errors.js';
import { DEFAULTS, EVERY_OBJECT } from './defaults.js';
import { packagePath } from '../../runtime/package-root.js';
import { createAjv } from '../../runtime/ajv.js';
import { parseHostname, type OrgHost } from './hostname.js';
import { resolveAuth, type Auth } from './auth.js';
import { credentialBranches, FLAT_LOGIN_FIELDS, readCredentials, type Credentials } from './credentials.js';
import { closestNames } from './closest-names.js';
import { readJsonFile } from '../../runtime/json-file.js';
import { describeSchemaError } from '../../runtime/schema-errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;

// Salesforce API names: a letter, then letters, digits and underscores (Invoice__c, ns__Thing__c).
const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface ResolvedConfig {
  org: OrgHost;
  auth: Auth;
  /**
   * the config the platform holds once it stored what this run sends: as given, or in the
   * `credentials` shape when it came flat; without the defaults filled in
   */
  stored: Record<string, unknown>;
  /** set when the config came flat: the same config in the `credentials` shape, to hand the platform once */
  migrated?: Record<string, unknown>;
  /** the login fields, and how messages name them (credentials.client_secret, or client_secret when flat) */
  credentials: Credentials;
  /** what the operator should hear about the config that does not stop the command (an unknown field) */
  warnings: string[];
  /** ISO-8601 UTC with milliseconds, or undefined for the whole history */
  startDate?: string;
  /** API names, or the single entry "*" (every replicable object, resolved against the org). */
  objects: string[];
  readApi: 'auto' | 'rest' | 'bulk';
  numWorkers: number;
  apiBudgetPercent: number;
  /** hours between full re-reads of an incremental stream with formula fields; undefined: never */
  formulaRefreshHours?: number;
}

export function loadSpec(): { connectionSpecification: Record<string, unknown>; [key: string]: unknown } {
  return JSON.parse(readFileSync(packagePath('spec.json'), 'utf8'));
}

// Compiled once per process: compiling the spec and its credential branches costs tens of milliseconds,
// more than the rest of loading a config, and a process that runs main() again (the in-process tests)
// would pay it each time.
interface CompiledSpec {
  spec: Record<string, unknown>;
  validate: ValidateFunction;
  branches: ReturnType<typeof credentialBranches>;
}
let compiledSpec: CompiledSpec | undefined;
function specValidator(): CompiledSpec {
  if (!compiledSpec) {
    const spec = loadSpec().connectionSpecification;
    const properties = spec.properties as Record<string, Record<string, unknown>>;
    compiledSpec = { spec, validate: createAjv().compile(spec), branches: credentialBranches(properties.credentials) };
  }
  return compiledSpec;
}

export function resolveConfig(raw: unknown, path = 'config'): ResolvedConfig {
  const role = `config file ${path}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`The ${role} must hold a JSON object with hostname and the credentials of its auth_type.`);
  }
  const given = raw as Record<string, unknown>;
  const { spec, validate, branches } = specValidator();
  const properties = spec.properties as Record<string, Record<string, unknown>>;
  const known = [...Object.keys(properties), ...FLAT_LOGIN_FIELDS];
  if (!Object.keys(given).some((key) => known.includes(key))) throw new ConfigError(notAConfig(role, given));
  const fail = (message: string): never => {
    throw new ConfigError(message.replace(/^The field /, `The ${role} field `));
  };
  const credentials = readCredentials(given, branches, fail);
  // The hostname's own messages say what is wrong with it better than its pattern can.
  if (typeof given.hostname === 'string') parseHostname(given.hostname, role, credentials.flow);
  const config = structuredClone(credentials.migrated ?? given) as SalesforceConfig;
  if (!validate(config)) throw new ConfigError(schemaProblem(role, validate.errors![0], given.hostname));
  const org = parseHostname(config.hostname, role, credentials.flow);
  const auth = resolveAuth(credentials, org, fail);
  let startDate: string | undefined;
  if (config.start_date) {
    const ms = Date.parse(config.start_date);
    if (Number.isNaN(ms)) throw new ConfigError(`The ${role} field 'start_date' is not a valid date-time; use a form like 2024-01-01T00:00:00Z.`);
    startDate = new Date(ms).toISOString();
  }
  // A mistyped year (2204) reads nothing, with every stream COMPLETE: a day's slack spares time zones.
  const futureStart =
    startDate && Date.parse(startDate) > Date.now() + DAY_MS
      ? [
          `The ${role} field 'start_date' (${startDate}) is in the future, so no record is read until then; set a past date-time, or leave it out for the whole history.`,
        ]
      : [];
  if (config.objects && config.objects.length > 1 && config.objects.includes(EVERY_OBJECT)) {
    throw new ConfigError(`The ${role} field 'objects' mixes "*" with object names; use ["*"] alone for every object, or list the names.`);
  }
  const badName = config.objects?.find((name) => name !== EVERY_OBJECT && !API_NAME.test(name));
  if (badName !== undefined) {
    throw new ConfigError(
      `The ${role} field 'objects' lists ${JSON.stringify(badName)}, which is not an object API name; use names like Account or Invoice__c, or ["*"].`,
    );
  }
  return {
    org,
    auth,
    stored: structuredClone(credentials.migrated ?? given),
    migrated: credentials.migrated,
    credentials,
    warnings: [...unknownFields(given, known, role), ...credentials.warnings.map((warning) => warning.replace(/^The config /, `The ${role} `)), ...futureStart],
    startDate,
    objects: config.objects ? [...config.objects] : [...DEFAULTS.objects],
    // ajv filled in the spec's defaults (useDefaults), so these are always set here.
    readApi: config.read_api ?? DEFAULTS.readApi,
    numWorkers: config.num_workers ?? DEFAULTS.numWorkers,
    apiBudgetPercent: config.api_budget_percent ?? DEFAULTS.apiBudgetPercent,
    formulaRefreshHours: config.formula_refresh_hours,
  };
}

/**
 * A file without one field of a config is most often another file named as --config (the catalog
 * and the config swapped, or a command's output saved as the config), which asking for client_id
 * would hide.
 */
function notAConfig(role: string, given: Record<string, unknown>): string {
  const fix = 'pass the config with --config: a JSON object with hostname and credentials';
  if (Array.isArray(given.streams)) return `The ${role} is a catalog (it lists streams), not a config; ${fix}, and the catalog with --catalog.`;
  if (typeof given.type === 'string') return `The ${role} holds an Airbyte ${given.type} message, not a config; ${fix}.`;
  return `The ${role} has none of the fields of a config; ${fix}.`;
}

function schemaProblem(role: string, error: ErrorObject, hostname: unknown): string {
  if (error.instancePath === '/hostname' && error.keyword === 'pattern') {
    return (
      `The ${role} field 'hostname' (${JSON.stringify(hostname)}) is not a host the platform can build the OAuth consent address from; ` +
      'give the host alone, such as acme.my.salesforce.com (a lower-case https:// in front, a :port and a trailing / are accepted).'
    );
  }
  return describeSchemaError(role, error);
}

/**
 * Fields the spec does not define are allowed (a platform may add its own), but a misspelt option
 * would otherwise be ignored in silence: a `start_dat` would read the whole history. The login
 * fields are credentials.ts's to judge, in either shape.
 */
function unknownFields(raw: Record<string, unknown>, known: readonly string[], role: string): string[] {
  return Object.keys(raw)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = closestNames(key, known, 1);
      return `The ${role} has a field '${key}' that this connector does not use${near.length ? ` (did you mean '${near[0]}'?)` : ''}; it is ignored.`;
    });
}

export async function loadConfig(path: string): Promise<ResolvedConfig> {
  return resolveConfig(await readJsonFile(path, 'config'), path);
}
