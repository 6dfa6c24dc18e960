/**
 * The login fields of a config, in either of the two shapes the connector reads: the `credentials`
 * object of spec.json (one branch per flow), or the flat top-level fields of earlier versions,
 * which keep working for ever. A flat config is turned into the `credentials` shape, which the
 * platform is then asked to store; the flat field names stay in every message about a flat config,
 * since they are what the operator typed.
 */
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../runtime/ajv.js';
import { describeSchemaError } from '../../runtime/schema-errors.js';
import { closestNames } from './closest-names.js';
import type { LoginFlow } from './hostname.js';

export const FLOWS: readonly LoginFlow[] = ['client_credentials', 'refresh_token', 'jwt_bearer'];

/** The login fields of the flat shape: the discriminator and every field of every flow. */
export const FLAT_LOGIN_FIELDS = ['auth_type', 'client_id', 'client_secret', 'refresh_token', 'username', 'private_key'] as const;

type Json = Record<string, unknown>;

export interface Credentials {
  flow: LoginFlow;
  /** the flow's fields as given (auth_type included), under the names its branch of spec.json uses */
  fields: Json;
  /** how a message names a login field: `credentials.client_secret`, or `client_secret` in a flat config */
  path: (field: string) => string;
  /** the config in the `credentials` shape, when it came flat: what the platform should store instead */
  migrated?: Json;
  warnings: string[];
}

/** What each flow needs besides auth_type, and how the operator finds it. */
const NEEDS: Record<LoginFlow, Record<string, string>> = {
  client_credentials: {
    client_id: 'paste the Consumer Key from your External Client App',
    client_secret: "paste the app's Consumer Secret",
  },
  refresh_token: {
    client_id: 'paste the Consumer Key from your External Client App',
    client_secret: "paste the app's Consumer Secret",
    refresh_token: 'paste the refresh token the authorization-code flow returned (docs: "Refresh token setup")',
  },
  jwt_bearer: {
    client_id: 'paste the Consumer Key from your External Client App',
    username: "set it to the integration user's Salesforce username, such as integration@acme.com",
    private_key: 'paste the RSA private key whose certificate is uploaded to the app',
  },
};

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Branch {
  properties: string[];
  validate: ValidateFunction;
}

/** Each flow's branch of the spec's `credentials` oneOf, compiled on its own so errors name one flow's fields. */
export function credentialBranches(credentialsSchema: Json): Record<LoginFlow, Branch> {
  const ajv = createAjv();
  const branches = {} as Record<LoginFlow, Branch>;
  for (const branch of credentialsSchema.oneOf as Json[]) {
    const properties = branch.properties as Record<string, Json>;
    branches[properties.auth_type.const as LoginFlow] = { properties: Object.keys(properties), validate: ajv.compile(branch) };
  }
  return branches;
}

/**
 * The login fields of `raw` (a JSON object), checked against their flow's branch of the spec.
 * `fail` throws the sentence it is given (which starts "The field ..." or "The config ...").
 */
export function readCredentials(raw: Json, branches: Record<LoginFlow, Branch>, fail: (message: string) => never): Credentials {
  const nested = raw.credentials !== undefined;
  const path = nested ? (field: string) => `credentials.${field}` : (field: string) => field;
  if (nested && !isObject(raw.credentials)) {
    fail(`The field 'credentials' must be an object holding auth_type (one of ${FLOWS.map((f) => `"${f}"`).join(', ')}) and that flow's fields.`);
  }
  if (!nested && !FLAT_LOGIN_FIELDS.some((field) => raw[field] !== undefined)) {
    // Asking for the flat client_id here would point a new config at the shape of earlier versions.
    fail(
      `The field 'credentials' is missing; add the login flow and its fields, such as {"auth_type": "client_credentials", "client_id": "<Consumer Key>", "client_secret": "<Consumer Secret>"}.`,
    );
  }
  const given: Json = nested ? (raw.credentials as Json) : pickLoginFields(raw);
  const warnings: string[] = [];
  if (nested) {
    const stray = FLAT_LOGIN_FIELDS.filter((field) => raw[field] !== undefined);
    if (stray.length) {
      warnings.push(
        `The config has ${list(stray)} at the top level as well as 'credentials'; the connector uses 'credentials' and ignores ${stray.length > 1 ? 'them' : 'it'}.`,
      );
    }
  }
  const flow = flowOf(given, nested, path, fail);
  const branch = branches[flow];
  const fields: Json = { ...given, auth_type: flow };
  if (!branch.validate(fields)) {
    const error = branch.validate.errors![0];
    if (error.keyword === 'required') {
      const field = String(error.params.missingProperty);
      fail(`The field '${path(field)}' is missing, but auth_type ${flow} needs it; ${NEEDS[flow][field]}.`);
    }
    // A branch holds plain values, so every other error is about one field: name it by its path.
    const named = { ...error, instancePath: `/${path(error.instancePath.slice(1))}` };
    fail(describeSchemaError('config', named).replace(/^The config field/, 'The field'));
  }
  for (const [field, fix] of Object.entries(NEEDS[flow])) {
    if (!(fields[field] as string).trim()) fail(`The field '${path(field)}' is empty, but auth_type ${flow} needs it; ${fix}.`);
  }
  const unused = Object.keys(given).filter((field) => !branch.properties.includes(field));
  for (const field of unused) {
    const near = nested ? closestNames(field, branch.properties, 1) : [];
    const known = (FLAT_LOGIN_FIELDS as readonly string[]).includes(field);
    warnings.push(
      known
        ? `The config field '${path(field)}' is not used by the ${flow} flow; it is ignored.`
        : `The config has a field '${path(field)}' that this connector does not use${near.length ? ` (did you mean '${path(near[0])}'?)` : ''}; it is ignored.`,
    );
  }
  const own = Object.fromEntries(branch.properties.filter((field) => fields[field] !== undefined).map((field) => [field, fields[field]]));
  const migrated = nested ? undefined : { ...withoutLoginFields(raw), credentials: own };
  return { flow, fields, path, migrated, warnings };
}

function flowOf(given: Json, nested: boolean, path: (field: string) => string, fail: (message: string) => never): LoginFlow {
  const flow = given.auth_type;
  const choices = FLOWS.map((f) => `"${f}"`).join(', ');
  if (flow === undefined) {
    const other =
      given.username !== undefined || given.private_key !== undefined ? 'jwt_bearer' : given.refresh_token !== undefined ? 'refresh_token' : undefined;
    if (nested) {
      const hinted = other ?? (given.client_secret !== undefined ? 'client_credentials' : undefined);
      fail(
        hinted
          ? `The field '${path('auth_type')}' is missing; the fields beside it are those of the ${hinted} flow, so set it to "${hinted}".`
          : `The field '${path('auth_type')}' is missing; set it to one of ${choices}.`,
      );
    }
    // A flat config without auth_type has always meant Client Credentials; one written for another
    // flow would otherwise be told it lacks a secret it does not need.
    if (other && (typeof given.client_secret !== 'string' || !given.client_secret.trim())) {
      fail(
        `The field '${path('auth_type')}' is not set, so the connector uses client_credentials, but the config holds the fields of the ${other} flow; set ${path('auth_type')} to "${other}".`,
      );
    }
    return 'client_credentials';
  }
  if (!FLOWS.includes(flow as LoginFlow)) fail(`The field '${path('auth_type')}' must be one of ${choices}.`);
  return flow as LoginFlow;
}

function pickLoginFields(raw: Json): Json {
  return Object.fromEntries(FLAT_LOGIN_FIELDS.filter((field) => raw[field] !== undefined).map((field) => [field, raw[field]]));
}

function withoutLoginFields(raw: Json): Json {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !(FLAT_LOGIN_FIELDS as readonly string[]).includes(key)));
}

const list = (fields: readonly string[]) => fields.map((f) => `'${f}'`).join(', ');

/**
 * `config` (in the `credentials` shape, as ResolvedConfig.stored always is) with its refresh token
 * replaced. A flat config has been handed to the platform in this shape before any token is minted,
 * so writing a rotated token back flat would undo that.
 */
export function withRefreshToken(config: Json, refreshToken: string): Json {
  return { ...config, credentials: { ...(config.credentials as Json), refresh_token: refreshToken } };
}
