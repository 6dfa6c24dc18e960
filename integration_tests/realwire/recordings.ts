/**
 * Salesforce answers recorded from real orgs by other public projects, read in place from
 * ../shared/realwire (its SOURCES.md says where each file comes from and under which licence). They
 * are never copied into this repository: a clone on its own has no such folder, and the suites that
 * need it say so (realwireSuite).
 *
 * Two recording formats: Nango's test files keep each body JSON-parsed (the whitespace is gone),
 * CumulusCI's and Snowfakery's vcrpy cassettes keep it as the raw string Salesforce sent.
 */
import { describe, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { nativePackage } from '../helpers/native.js';
import { REPO_ROOT } from '../helpers/paths.js';

const { parse: parseYaml } = nativePackage<typeof import('yaml')>('yaml');

export const REALWIRE_DIR = path.resolve(REPO_ROOT, '../shared/realwire');

export const realwireAvailable = (): boolean => existsSync(path.join(REALWIRE_DIR, 'SOURCES.md'));

/**
 * A describe() that runs when the recordings are there. Without them it is skipped and says so,
 * except under CI (`CI` set), where a missing folder is a failure: CI always has ../shared, so a
 * skip there would be a conformance suite that silently stopped running.
 */
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

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded answers, indexed freely and checked by the tests

/**
 * Each recording is read and parsed once per test file, though suites start a replay org per test
 * from the same ones: parsing the YAML cassettes again cost more than the tests. What is parsed is
 * frozen, since every caller shares it.
 */
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

const read = (file: string): string => once(`text ${file}`, () => readFileSync(path.join(REALWIRE_DIR, file), 'utf8'));

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
export const recordedFile = (file: string): string => read(file);

/**
 * The object describes recorded, by object, as the text to serve. Account is the Nango one: the
 * same org as the query pages.
 */
export function recordedDescribes(): Map<string, string> {
  const describes = new Map<string, string>();
  describes.set('Account', JSON.stringify(nangoCalls('describe-sobject')[0].response));
  for (const object of ['Contact', 'Lead', 'Opportunity', 'Case', 'Event', 'Custom__c']) {
    describes.set(object, cassetteCalls(`${CUMULUSCI}/tests/shared_cassettes/GET_sobjects_${object}_describe.yaml`)[0].body);
  }
  return describes;
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
  const calls = nangoCalls(name);
  const soql = calls[0].params.q;
  return { ...soqlParts(soql), soql, pages: calls.map((c) => c.response), locators: calls.slice(1).map((c) => c.path) };
}

/**
 * One interaction of a cassette that is not valid YAML as a whole (CumulusCI's TestSelect has
 * request bodies indented wrongly): the entry holding `marker`, parsed on its own, with its aliases
 * to the elided headers dropped.
 */
export function cassetteInteraction(file: string, marker: string): CassetteCall {
  const entry = read(file)
    .split(/\n(?=\s*- request:)/)
    .find((part) => part.includes(marker));
  if (!entry) throw new Error(`${file} holds no interaction with ${marker}`);
  const [i] = parseYaml(entry.replace(/\*id\d+/g, 'null')) as Json[];
  return { method: i.request.method, uri: i.request.uri, requestBody: i.request.body ?? null, status: i.response.status.code, body: i.response.body.string };
}
