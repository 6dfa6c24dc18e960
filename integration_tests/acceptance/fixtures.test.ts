/**
 * The acceptance fixtures are well-formed (protocol shapes, spec-valid configs) and in step with the
 * emulated org and the connector: the configured catalog is what discover returns today. When the
 * emulator's default org changes, regenerate with `npm run build && node scripts/generate-acceptance-fixtures.mjs`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector } from '../helpers/connector-runner.js';
import { testAjv } from '../helpers/test-ajv.js';
import { PROTOCOL_SCHEMA_PATH } from '../helpers/protocol-validator.js';
import {
  ABNORMAL_STATE,
  CONFIGURED_CATALOG,
  EXPECTED_RECORDS,
  FIXTURE_EMULATOR_PORT,
  INVALID_CONFIG,
  SAMPLE_CONFIG,
  acceptanceConfig,
  readJson,
  readJsonLines,
  repoFile,
  startAcceptanceOrg,
  type AcceptanceOrg,
  type Json,
} from './support/fixtures.js';

const proto = JSON.parse(readFileSync(PROTOCOL_SCHEMA_PATH, 'utf8')) as Json;
const ajv = testAjv({ strict: false, allErrors: true });
const against = (schema: Json) => ajv.compile({ ...schema, definitions: proto.definitions });
const REGENERATE = 'regenerate with `npm run build && node scripts/generate-acceptance-fixtures.mjs`';

describe('acceptance fixtures', () => {
  it('acceptance-test-config.yml names the image, high strictness, and only files that exist', () => {
    const config = acceptanceConfig();
    expect(config.connector_image).toMatch(/^airbyte\/source-salesforce-ts:/);
    expect(config.test_strictness_level).toBe('high');
    const paths = JSON.stringify(config)
      .match(/"(?:[a-z_]+_path|path)":"([^"]+)"/g)!
      .map((p) => p.split('":"')[1].slice(0, -1));
    expect(paths.length).toBeGreaterThanOrEqual(8);
    for (const p of new Set(paths)) expect({ p, exists: existsSync(repoFile(p)) }).toEqual({ p, exists: true });
  });

  it('the configs are valid for the spec and name the emulator at its fixture port', () => {
    const validate = ajv.compile(readJson('spec.json').connectionSpecification);
    for (const file of [SAMPLE_CONFIG, INVALID_CONFIG]) {
      const config = readJson(file);
      expect({ file, errors: validate(config) ? null : validate.errors }).toEqual({ file, errors: null });
      expect(config.hostname).toBe(`http://127.0.0.1:${FIXTURE_EMULATOR_PORT}`);
    }
    expect(readJson(INVALID_CONFIG).credentials.client_secret).not.toBe(readJson(SAMPLE_CONFIG).credentials.client_secret);
  });

  it('configured_catalog.json is a ConfiguredAirbyteCatalog of the six streams', () => {
    const catalog = readJson(CONFIGURED_CATALOG);
    const validate = against({ $ref: '#/definitions/ConfiguredAirbyteCatalog' });
    expect(validate(catalog) ? [] : validate.errors).toEqual([]);
    expect(catalog.streams.map((s: Json) => s.stream.name)).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']);
  });

  it('abnormal_state.json is a list of STREAM states in the future for every configured stream', () => {
    const state = readJson(ABNORMAL_STATE) as unknown as Json[];
    const validate = against({ type: 'array', items: { $ref: '#/definitions/AirbyteStateMessage' } });
    expect(validate(state) ? [] : validate.errors).toEqual([]);
    for (const s of state) {
      expect(s.type).toBe('STREAM');
      expect(Date.parse(s.stream.stream_state.SystemModstamp)).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    }
    expect(state.map((s) => s.stream.stream_descriptor.name).sort()).toEqual(
      readJson(CONFIGURED_CATALOG)
        .streams.map((s: Json) => s.stream.name)
        .sort(),
    );
  });

  it("expected_records.jsonl holds records of every configured stream in Airbyte's format", () => {
    const lines = readJsonLines(EXPECTED_RECORDS);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['data', 'emitted_at', 'stream']);
      expect(Number.isInteger(line.emitted_at)).toBe(true);
    }
    expect([...new Set(lines.map((l) => l.stream))].sort()).toEqual(
      readJson(CONFIGURED_CATALOG)
        .streams.map((s: Json) => s.stream.name)
        .sort(),
    );
  });

  describe('in step with the emulated org', () => {
    let org: AcceptanceOrg;
    let discovered: Json[];
    beforeAll(async () => {
      org = await startAcceptanceOrg();
      discovered = (await runConnector('discover', { config: org.config(), env: org.env })).catalog?.catalog.streams ?? [];
    });
    afterAll(() => org.close());

    it(`configured_catalog.json holds today's discovered streams (else ${REGENERATE})`, () => {
      const configured = readJson(CONFIGURED_CATALOG).streams.map((s: Json) => s.stream);
      expect(configured).toEqual(discovered);
    });

    it(`expected_records.jsonl records exist in the org with the same Id and SystemModstamp (else ${REGENERATE})`, () => {
      for (const { stream, data } of readJsonLines(EXPECTED_RECORDS)) {
        const record = org.emulator.records(stream).find((r) => r.Id === data.Id);
        expect({ stream, id: data.Id, found: !!record }).toEqual({ stream, id: data.Id, found: true });
        expect(Date.parse(String(record!.SystemModstamp).replace(/\+0000$/, 'Z'))).toBe(Date.parse(data.SystemModstamp));
      }
    });
  });
});
