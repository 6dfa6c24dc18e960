/**
 * The rules Airbyte's acceptance suite applies to a connector's connectionSpecification, as pure
 * functions that return one readable problem per violation (empty when the spec passes). The rules
 * follow ../shared/airbyte-protocol/acceptance-checklist.md; rules.test.ts proves each one fires.
 */
import type { Json } from './fixtures.js';

/** Property names that must be marked airbyte_secret when they hold a plain value. */
export const SECRET_NAMES = new Set([
  'client_secret',
  'secret',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'api_token',
  'client_token',
  'key',
  'credentials',
  'jwt',
  'certificate',
  'service_account',
  'service_account_info',
  'tenant_id',
  'app_id',
  'appid',
]);

export const FORBIDDEN_KEYWORDS = [
  'not',
  'anyOf',
  'patternProperties',
  'prefixItems',
  'allOf',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependentRequired',
  '$ref',
];

export interface SchemaNode {
  schema: Json;
  /** JSON-pointer-like path, e.g. /properties/objects/items */
  path: string;
  /** property name when the node is a value of `properties` */
  name?: string;
  depth: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every subschema reachable through properties, items, definitions and the combinators. */
export function schemaNodes(root: Json): SchemaNode[] {
  const out: SchemaNode[] = [];
  const visit = (schema: unknown, path: string, depth: number, name?: string) => {
    if (!isObject(schema)) return;
    out.push({ schema, path, name, depth });
    for (const [key, child] of Object.entries(isObject(schema.properties) ? schema.properties : {})) visit(child, `${path}/properties/${key}`, depth + 1, key);
    for (const key of ['definitions', '$defs'] as const) {
      for (const [k, child] of Object.entries(isObject(schema[key]) ? schema[key] : {})) visit(child, `${path}/${key}/${k}`, depth + 1);
    }
    if (Array.isArray(schema.items)) schema.items.forEach((c: unknown, i: number) => visit(c, `${path}/items/${i}`, depth + 1));
    else visit(schema.items, `${path}/items`, depth + 1);
    for (const key of ['oneOf', 'anyOf', 'allOf', 'prefixItems'] as const) {
      if (Array.isArray(schema[key])) schema[key].forEach((c: unknown, i: number) => visit(c, `${path}/${key}/${i}`, depth + 1));
    }
    for (const key of ['not', 'if', 'then', 'else', 'additionalItems'] as const) visit(schema[key], `${path}/${key}`, depth + 1);
    if (isObject(schema.additionalProperties)) visit(schema.additionalProperties, `${path}/additionalProperties`, depth + 1);
  };
  visit(root, '', 0);
  return out;
}

const typesOf = (schema: Json): string[] => (Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type]);

/** Keywords that make a schema non-portable for Airbyte's UI and destinations. */
export function forbiddenKeywordProblems(root: Json, forbidden: readonly string[] = FORBIDDEN_KEYWORDS): string[] {
  const problems: string[] = [];
  for (const { schema, path } of schemaNodes(root)) {
    for (const key of forbidden) if (key in schema) problems.push(`${path || '/'} uses the forbidden keyword '${key}'`);
  }
  return problems;
}

export function additionalPropertiesProblems(root: Json): string[] {
  return schemaNodes(root)
    .filter(({ schema }) => 'additionalProperties' in schema && schema.additionalProperties !== true)
    .map(({ path }) => `${path || '/'} sets additionalProperties to something other than true`);
}

function oneOfProblems(node: SchemaNode, key: 'oneOf' | 'anyOf'): string[] {
  const variants = node.schema[key];
  if (!Array.isArray(variants)) return [];
  const at = `${node.path || '/'}/${key}`;
  const problems: string[] = [];
  if (!typesOf(node.schema).includes('object')) problems.push(`${at}: the parent of ${key} must be type object`);
  if (!variants.every((v) => isObject(v) && isObject(v.properties))) {
    problems.push(`${at}: every variant needs properties`);
    return problems;
  }
  const shared = Object.keys(variants[0].properties).filter((p) => variants.every((v: Json) => p in v.properties));
  if (!shared.length) problems.push(`${at}: the variants share no property`);
  const discriminators = shared.filter((p) => variants.every((v: Json) => 'const' in v.properties[p]));
  if (discriminators.length !== 1) problems.push(`${at}: exactly one shared property must have a const in every variant (found ${discriminators.length})`);
  for (const p of discriminators) {
    for (const v of variants as Json[]) {
      const prop = v.properties[p];
      if ('default' in prop && prop.default !== prop.const) problems.push(`${at}: ${p}.default differs from its const`);
      if ('enum' in prop && !(prop.enum.length === 1 && prop.enum[0] === prop.const)) problems.push(`${at}: ${p}.enum differs from its const`);
    }
  }
  return problems;
}

/** All spec rules; `root` is connectionSpecification. */
export function specProblems(root: Json): string[] {
  const problems = [...forbiddenKeywordProblems(root), ...additionalPropertiesProblems(root)];
  const orders = new Map<string, Set<string>>();
  for (const node of schemaNodes(root)) {
    const { schema, path, name, depth } = node;
    const at = path || '/';
    const types = typesOf(schema);
    if (Array.isArray(schema.enum) && new Set(schema.enum.map((v: unknown) => JSON.stringify(v))).size !== schema.enum.length) {
      problems.push(`${at}: enum has duplicate values`);
    }
    if (Array.isArray(schema.type) && (schema.type.length < 1 || schema.type.length > 2 || (schema.type.length === 2 && schema.type[1] !== 'null'))) {
      problems.push(`${at}: a type array must have one or two entries, the second "null"`);
    }
    if (name && SECRET_NAMES.has(name)) {
      const plain = types.some((t) => ['string', 'integer', 'number'].includes(t)) && !('const' in schema);
      if (plain && schema.airbyte_secret !== true) problems.push(`${at}: the secret-named property '${name}' lacks airbyte_secret: true`);
      if (!plain && schema.airbyte_secret === true) problems.push(`${at}: '${name}' is not a plain value and must not be airbyte_secret`);
    }
    if (depth > 0 && types.includes('object') && !(isObject(schema.properties) && Object.keys(schema.properties).length) && !schema.oneOf) {
      problems.push(`${at}: a nested object needs properties or oneOf`);
    }
    if (types.includes('array') && schema.items !== undefined) {
      const items = schema.items;
      const ok = isObject(items) && (Array.isArray(items.enum) || typesOf(items).some((t) => ['object', 'string', 'number', 'integer'].includes(t)));
      if (!ok) problems.push(`${at}: array items must be one schema of type object, string, number or integer, or have an enum`);
    }
    if ((schema.format === 'date' || schema.format === 'date-time') && !schema.pattern) {
      problems.push(`${at}: format ${schema.format} should come with a pattern`);
    }
    if ('group' in schema && depth !== 1) problems.push(`${at}: group is allowed only on top-level properties`);
    if ('display_type' in schema && !schema.oneOf) problems.push(`${at}: display_type is allowed only beside oneOf`);
    if (name !== undefined && 'order' in schema) {
      const parent = path.slice(0, path.lastIndexOf('/properties/'));
      const key = `${parent}#${String(schema.group ?? '')}`;
      const seen = orders.get(key) ?? new Set<string>();
      if (seen.has(String(schema.order))) problems.push(`${at}: order ${String(schema.order)} is used twice in the same object`);
      seen.add(String(schema.order));
      orders.set(key, seen);
    }
    problems.push(...oneOfProblems(node, 'oneOf'), ...oneOfProblems(node, 'anyOf'));
  }
  return problems;
}

interface Resolved {
  schema: Json;
  /** the const each oneOf passed on the way selects, keyed by the path of the oneOf's property */
  branches: Map<string, number>;
  /** whether the platform's form shows the field without opening "Optional fields" */
  open: boolean;
}

/**
 * The property at `path` of a config, looked up through `properties` and, inside a oneOf, the
 * branches that have it (each returned). Airbyte's form shows a field in its open part when its
 * parent's `required` names it, it has `always_show`, or it is a oneOf (a selector is always shown).
 */
function resolvePath(root: Json, path: readonly string[]): Resolved[] {
  let found: Resolved[] = [{ schema: root, branches: new Map(), open: true }];
  path.forEach((key, depth) => {
    const next: Resolved[] = [];
    for (const { schema, branches, open } of found) {
      const holders: [Json, number | undefined][] = Array.isArray(schema.oneOf) ? schema.oneOf.map((b: Json, i: number) => [b, i]) : [[schema, undefined]];
      for (const [holder, index] of holders) {
        const child = isObject(holder.properties) ? holder.properties[key] : undefined;
        if (!isObject(child)) continue;
        const shown =
          (Array.isArray(holder.required) && holder.required.includes(key)) || child.always_show === true || Array.isArray(child.oneOf) || 'const' in child;
        const taken = new Map(branches);
        if (index !== undefined) taken.set(path.slice(0, depth).join('.'), index);
        next.push({ schema: child, branches: taken, open: open && shown });
      }
    }
    found = next;
  });
  return found;
}

/**
 * advanced_auth agrees with connectionSpecification, and Airbyte's form can show the OAuth button:
 * predicate_key names a field that predicate_value selects, outside "Optional fields"; every
 * path_in_connector_config names a field, in the branch the predicate selects when it is inside
 * that oneOf.
 */
export function advancedAuthProblems(spec: Json): string[] {
  const auth = spec.advanced_auth;
  if (!isObject(auth)) return [];
  const root = spec.connectionSpecification as Json;
  const problems: string[] = [];
  const predicateKey: string[] = Array.isArray(auth.predicate_key) ? auth.predicate_key : [];
  let selected: Map<string, number> | undefined;
  if (predicateKey.length) {
    const matches = resolvePath(root, predicateKey).filter(
      ({ schema }) => schema.const === auth.predicate_value || (Array.isArray(schema.enum) && schema.enum.includes(auth.predicate_value)),
    );
    if (matches.length !== 1)
      problems.push(
        `advanced_auth.predicate_key ${predicateKey.join('.')} has ${matches.length} fields that predicate_value ${JSON.stringify(auth.predicate_value)} selects (want 1)`,
      );
    else if (!matches[0].open)
      problems.push(
        `advanced_auth.predicate_key ${predicateKey.join('.')} is under "Optional fields", so the OAuth button is hidden until the operator opens them`,
      );
    selected = matches[0]?.branches;
  }
  const specs = ['complete_oauth_output_specification', 'complete_oauth_server_output_specification', 'oauth_user_input_from_connector_config_specification'];
  for (const name of specs) {
    const properties = auth.oauth_config_specification?.[name]?.properties;
    for (const [field, value] of Object.entries(isObject(properties) ? properties : {}) as [string, Json][]) {
      const path: string[] = Array.isArray(value.path_in_connector_config) ? value.path_in_connector_config : [];
      const found = resolvePath(root, path).filter(({ branches }) =>
        [...branches].every(([at, index]) => selected === undefined || !selected.has(at) || selected.get(at) === index),
      );
      if (!found.length)
        problems.push(
          `advanced_auth ${name}.${field} points at ${path.join('.') || 'nothing'}, which is no field of the spec in the branch predicate_value selects`,
        );
    }
  }
  return problems;
}
