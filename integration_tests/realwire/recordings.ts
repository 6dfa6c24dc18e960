/**
 * Salesforce answers recorded from real orgs by other public projects, read in place from
 * ../shared/realwire (its SOURCES.md says where each file comes from and under which licence). They
 * are never copied into this repository: a clone on its own has no such folder, and the suites that
 * need it say so (suite.ts).
 *
 * Two recording formats: Nango's test files keep each body JSON-parsed (the whitespace is gone),
 * CumulusCI's and Snowfakery's vcrpy cassettes keep it as the raw string Salesforce sent.
 *
 * The suites load this module natively (see helpers/native.ts): parsing megabytes of JSON and YAML
 * ran several times slower in Jest's context, and a recording is then parsed once per Jest worker,
 * not once per test file. What is parsed is frozen, since every caller shares it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nativePackage } from '../helpers/native.js';
import { REPO_ROOT } from '../helpers/paths.js';

const { parse: parseYaml } = nativePackage<typeof import('yaml')>('yaml');

export const REALWIRE_DIR = path.resolve(REPO_ROOT, '../shared/realwire');

export const realwireAvailable = (): boolean => existsSync(path.join(REALWIRE_DIR, 'SOURCES.md'));

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded answers, indexed freely and checked by the tests

/** Each recording read and parsed once: suites start a replay org per test from the same ones. */
const loaded = new Map<string, unknown>();
function once<T>(key: string, load: () => T): T {
  if (!loaded.has(key)) loaded.set(key, deepFreeze(load()));
  return loaded.get(key) as T;
}
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

const read = (file: string): string => readFileSync(path.join(REALWIRE_DIR, file), 'utf8');

/** One recorded call: what was asked and what Salesforce answered. */
export interface RecordedCall {
  method: string;
  path: string;
  params: Record<string, string>;
  status: number;
  /** the answer body: parsed (Nango) */
  response: Json;
}

const NANGO = 'NangoHQ__integration-templates/integrations/salesforce/tests';

/** The calls of one Nango test file, in recording order. */
export function nangoCalls(name: string): readonly RecordedCall[] {
  return once(`nango ${name}`, () => parseNango(name));
}

function parseNango(name: string): RecordedCall[] {
  const file = JSON.parse(read(`${NANGO}/${name}.test.json`)) as Json;
  const calls: RecordedCall[] = [];
  for (const [method, paths] of Object.entries<Json>(file.api)) {
    for (const [callPath, call] of Object.entries<Json>(paths)) {
      calls.push({ method: method.toUpperCase(), path: callPath, params: call.request?.params ?? {}, status: call.status, response: call.response });
    }
  }
  return calls;
}

/** One cassette interaction, its body as the raw text Salesforce sent. */
export interface CassetteCall {
  method: string;
  uri: string;
  requestBody: string | null;
  status: number;
  body: string;
}

/** The interactions of a vcrpy cassette (both layouts: a list of interactions, or a single request/response). */
export function cassetteCalls(file: string): readonly CassetteCall[] {
  return once(`cassette ${file}`, () => parseCassette(file));
}

function parseCassette(file: string): CassetteCall[] {
  const parsed = parseYaml(read(file)) as Json;
  // Entries that only include another cassette (`include_file`) carry no answer.
  const interactions: Json[] = (parsed.interactions ?? [parsed]).filter((i: Json) => i.request);
  return interactions.map((i) => ({
    method: i.request.method,
    uri: i.request.uri,
    requestBody: i.request.body ?? null,
    status: i.response.status.code,
    body: i.response.body.string,
  }));
}

export const CUMULUSCI = 'SFDO-Tooling__CumulusCI/cumulusci';

/** A raw recorded file (restforce, Apache, Airbyte fixtures), as text. */
export const recordedFile = (file: string): string => once(`text ${file}`, () => read(file));

/** The first recorded answer of a Nango test file, as the text to serve (JSON.stringify of what Nango kept). */
export const nangoAnswerText = (name: string): string => once(`answer text ${name}`, () => JSON.stringify(nangoCalls(name)[0].response));

/** The objects with a recorded describe. Account is the Nango one: the same org as the query pages. */
export const DESCRIBED_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Event', 'Custom__c'] as const;

/**
 * The recorded describe of `object`, as the text to serve, or undefined when none was recorded. Each
 * cassette is parsed when first asked for: a suite that reads four objects parses four.
 */
export function recordedDescribe(object: string): string | undefined {
  if (!(DESCRIBED_OBJECTS as readonly string[]).includes(object)) return undefined;
  if (object === 'Account') return nangoAnswerText('describe-sobject');
  return cassetteCalls(`${CUMULUSCI}/tests/shared_cassettes/GET_sobjects_${object}_describe.yaml`)[0].body;
}

/** Every recorded describe, by object, as the text to serve. */
export function recordedDescribes(): Map<string, string> {
  return new Map(DESCRIBED_OBJECTS.map((object) => [object, recordedDescribe(object)!]));
}

/** The 250-field Account describe of a Person Account org (formulas, __pc fields, namespaces). */
export const personAccountDescribe = (): string => cassetteCalls(`${CUMULUSCI}/tests/cassettes/GET_sobjects_Account_PersonAccount_describe.yaml`)[0].body;

/** A REST query as recorded: its SELECT list and pages, page 1 first. */
export interface RecordedQuery {
  object: string;
  soql: string;
  fields: string[];
  pages: Json[];
  /** the path each page after the first was fetched from (its locator) */
  locators: string[];
}

/** SELECT list and object of a plain SOQL query. */
export function soqlParts(soql: string): { fields: string[]; object: string } {
  const match = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)/is.exec(soql);
  if (!match) throw new Error(`not a plain SOQL query: ${soql}`);
  return { fields: match[1].split(',').map((f) => f.trim()), object: match[2] };
}

/** A Nango query recording: the first call carries the SOQL, the others are its queryMore pages. */
export function recordedQuery(name: string): RecordedQuery {
  return once(`query ${name}`, () => {
    const calls = nangoCalls(name);
    const soql = calls[0].params.q;
    return { ...soqlParts(soql), soql, pages: calls.map((c) => c.response), locators: calls.slice(1).map((c) => c.path) };
  });
}

/**
 * One interaction of a cassette that is not valid YAML as a whole (CumulusCI's TestSelect has
 * request bodies indented wrongly): the entry holding `marker`, parsed on its own, with its aliases
 * to the elided headers dropped.
 */
export function cassetteInteraction(file: string, marker: string): CassetteCall {
  return once(`interaction ${file} ${marker}`, () => parseInteraction(file, marker));
}

function parseInteraction(file: string, marker: string): CassetteCall {
  const entry = read(file)
    .split(/\n(?=\s*- request:)/)
    .find((part) => part.includes(marker));
  if (!entry) throw new Error(`${file} holds no interaction with ${marker}`);
  const [i] = parseYaml(entry.replace(/\*id\d+/g, 'null')) as Json[];
  return { method: i.request.method, uri: i.request.uri, requestBody: i.request.body ?? null, status: i.response.status.code, body: i.response.body.string };
}
