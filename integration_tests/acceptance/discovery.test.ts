/**
 * Acceptance: discovery. Exactly one non-empty CATALOG whose streams pass Airbyte's catalog rules,
 * and which stays backward compatible with the catalog the fixtures were built from.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runConnector, type RunResult } from '../helpers/connector-runner.js';
import { catalogProblems, schemaAt } from './support/catalog-rules.js';
import { CONFIGURED_CATALOG, acceptanceConfig, readJson, startAcceptanceOrg, type AcceptanceOrg, type Json } from './support/fixtures.js';

const { tests } = acceptanceConfig().acceptance_tests.discovery;
const SIX = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'];

describe.each(tests)('acceptance: discovery with $config_path', ({ config_path: configPath }) => {
  let org: AcceptanceOrg;
  let run: RunResult;
  let streams: Json[];

  beforeAll(async () => {
    org = await startAcceptanceOrg();
    run = await runConnector('discover', { config: org.config(configPath), env: org.env });
    streams = run.catalog?.catalog.streams ?? [];
  });
  afterAll(() => org.close());

  it('prints exactly one CATALOG and exits 0', () => {
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.messages.filter((m) => m.type === 'CATALOG')).toHaveLength(1);
  });

  it('passes the acceptance rules for catalogs', () => {
    expect(catalogProblems(run.catalog?.catalog)).toEqual([]);
  });

  it('offers the six objects, each with both sync modes, the SystemModstamp cursor and the Id key', () => {
    expect(streams.map((s) => s.name)).toEqual(SIX);
    for (const s of streams) {
      expect({
        name: s.name,
        modes: s.supported_sync_modes,
        cursor: s.default_cursor_field,
        key: s.source_defined_primary_key,
        sourceCursor: s.source_defined_cursor,
      }).toEqual({
        name: s.name,
        modes: ['full_refresh', 'incremental'],
        cursor: ['SystemModstamp'],
        key: [['Id']],
        sourceCursor: true,
      });
    }
  });

  it('types the cursor as a date-time string and the key as a string', () => {
    for (const s of streams) {
      expect(schemaAt(s.json_schema, ['SystemModstamp'])).toMatchObject({ format: 'date-time' });
      expect(schemaAt(s.json_schema, ['SystemModstamp'])?.type).toContain('string');
      expect(schemaAt(s.json_schema, ['Id'])?.type).toContain('string');
    }
  });

  it('covers the standard fields each stream promises in schemas/', () => {
    for (const s of streams) {
      const promised = Object.keys(readJson(`schemas/${s.name}.json`).properties);
      const missing = promised.filter((field) => !(field in s.json_schema.properties));
      expect({ stream: s.name, missing }).toEqual({ stream: s.name, missing: [] });
    }
  });

  it('is backward compatible with the catalog in the fixtures: no stream, field or cursor removed, no type narrowed', () => {
    const previous: Json[] = readJson(CONFIGURED_CATALOG).streams.map((c: Json) => c.stream);
    const problems: string[] = [];
    for (const old of previous) {
      const now = streams.find((s) => s.name === old.name);
      if (!now) {
        problems.push(`stream ${old.name} was removed`);
        continue;
      }
      if (JSON.stringify(now.default_cursor_field) !== JSON.stringify(old.default_cursor_field)) problems.push(`${old.name}: the cursor changed`);
      for (const [field, oldSchema] of Object.entries(old.json_schema.properties as Record<string, Json>)) {
        const newSchema: Json | undefined = now.json_schema.properties[field];
        if (!newSchema) problems.push(`${old.name}.${field} was removed`);
        else {
          const oldTypes = [oldSchema.type].flat();
          const newTypes = [newSchema.type].flat();
          if (!oldTypes.every((t) => newTypes.includes(t))) problems.push(`${old.name}.${field} narrowed from ${oldTypes} to ${newTypes}`);
          if (oldSchema.format !== newSchema.format) problems.push(`${old.name}.${field} changed format`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
