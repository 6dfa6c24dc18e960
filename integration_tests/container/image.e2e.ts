/**
 * The built image, run as the platform runs it, against the emulator on the host network: spec,
 * check (success, wrong secret, untrusted certificate), discover and a small full-refresh plus
 * incremental read, each output validated like the local end-to-end tests. The image's labels,
 * environment and user are compared with metadata.yaml.
 *
 * Not part of `npm test` (the file name does not end in .test.ts): `npm run test:container` builds
 * the image and runs this with CONNECTOR_IMAGE set.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { catalogProblems, recordChecker } from '../acceptance/support/catalog-rules.js';
import { readJson, readYaml, type Json } from '../acceptance/support/fixtures.js';
import { IMAGE, RUN_FLAGS, cleanupMounts, engine, runInContainer, type ContainerRunResult } from './container-runner.js';

const CREDENTIALS = { auth_type: 'client_credentials', client_id: 'demo-client-id', client_secret: 'demo-client-secret' };
const SMALL = { Account: 30, Contact: 40, Lead: 20, Opportunity: 20, Case: 20, User: 8 };

describe(`container image ${IMAGE}`, () => {
  let emulator: Emulator;
  let config: Json;

  beforeAll(async () => {
    emulator = await startEmulator({ https: true, counts: SMALL });
    config = { hostname: emulator.hostname, credentials: CREDENTIALS };
  });
  afterAll(async () => {
    await emulator?.close();
    cleanupMounts();
  });

  it('carries the labels, entrypoint and user metadata.yaml and the Dockerfile promise', async () => {
    const inspected = await engine(['image', 'inspect', IMAGE]);
    expect(inspected.code).toBe(0);
    const image: Json = JSON.parse(inspected.stdout)[0];
    const data = (readYaml('metadata.yaml') as Json).data;
    const labels: Json = image.Config.Labels;
    expect(labels['io.airbyte.name']).toBe(data.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(data.dockerImageTag);
    const env = Object.fromEntries((image.Config.Env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    expect(env.AIRBYTE_ENTRYPOINT).toBe((image.Config.Entrypoint as string[]).join(' '));
    expect(image.Config.User).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it("carries the user guide where spec.json's documentationUrl points", async () => {
    const guide = new URL(readJson('spec.json').documentationUrl as string).pathname;
    const run = await engine(['run', '--rm', ...RUN_FLAGS, '--entrypoint', 'head', IMAGE, '-n', '1', guide]);
    expect(run).toMatchObject({ code: 0, stdout: '# Salesforce\n' });
  });

  it('spec: prints spec.json as its only message', async () => {
    const run = await runInContainer('spec');
    expect(run.exitCode).toBe(0);
    expect(run.messages).toHaveLength(1);
    expect(run.ofType('SPEC')[0].spec).toEqual(readJson('spec.json'));
  });

  it('check: SUCCEEDED over HTTPS with the CA trusted through NODE_EXTRA_CA_CERTS', async () => {
    const run = await runInContainer('check', { config, caFile: emulator.caFile });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.ofType('CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
  });

  it('check: FAILED naming the secret when the secret is wrong', async () => {
    const run = await runInContainer('check', {
      config: { ...config, credentials: { ...CREDENTIALS, client_secret: 'wrong-secret' } },
      caFile: emulator.caFile,
    });
    expect(run.exitCode).toBe(0);
    const [status] = run.ofType('CONNECTION_STATUS');
    expect(status.connectionStatus.status).toBe('FAILED');
    expect(status.connectionStatus.message).toMatch(/client_secret|Consumer Secret/);
  });

  it('check: FAILED with a certificate explanation when the CA is not trusted (certificates are verified)', async () => {
    const run = await runInContainer('check', { config });
    const [status] = run.ofType('CONNECTION_STATUS');
    expect(status.connectionStatus.status).toBe('FAILED');
    expect(status.connectionStatus.message).toMatch(/certificate/i);
  });

  it('read: one TRACE ERROR (config_error) and a non-zero exit when --catalog is missing', async () => {
    const run = await runInContainer('read', { config });
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0].trace.error.failure_type).toBe('config_error');
    expect(run.exitCode).not.toBe(0);
  });

  describe('discover and read', () => {
    let catalog: Json;
    let read: ContainerRunResult;
    let catalogFor: (names: string[]) => Json;

    beforeAll(async () => {
      const discovered = await runInContainer('discover', { config, caFile: emulator.caFile });
      catalog = discovered.ofType('CATALOG')[0]?.catalog;
      catalogFor = (names) => ({
        streams: catalog.streams
          .filter((s: Json) => names.includes(s.name))
          .map((stream: Json) =>
            stream.name === 'Account'
              ? { stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }
              : { stream, sync_mode: 'incremental', cursor_field: ['SystemModstamp'], destination_sync_mode: 'append_dedup', primary_key: [['Id']] },
          ),
      });
      read = await runInContainer('read', { config, catalog: catalogFor(['Account', 'User']), caFile: emulator.caFile });
    });

    it('discover: one valid catalog of the six streams', () => {
      expect(catalog.streams.map((s: Json) => s.name)).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']);
      expect(catalogProblems(catalog)).toEqual([]);
    });

    it('read: every live Account (full refresh) and every User (incremental), each valid against its schema', () => {
      expect(read.errors).toEqual([]);
      expect(read.exitCode).toBe(0);
      const records = read.ofType('RECORD').map((m) => m.record);
      for (const name of ['Account', 'User'] as const) {
        const ids = records
          .filter((r) => r.stream === name)
          .map((r) => r.data.Id)
          .sort();
        const expected = emulator
          .records(name, { includeDeleted: name === 'User' })
          .map((r) => String(r.Id))
          .sort();
        expect({ name, ids }).toEqual({ name, ids: expected });
        const check = recordChecker(catalog.streams.find((s: Json) => s.name === name));
        const problems = records.filter((r) => r.stream === name).flatMap((r) => check(r.data));
        expect({ name, problems }).toEqual({ name, problems: [] });
      }
    });

    it('read: a STREAM state with sourceStats and STARTED, RUNNING, COMPLETE for each stream', () => {
      for (const name of ['Account', 'User']) {
        const states = read.ofType('STATE').filter((m) => m.state.stream.stream_descriptor.name === name);
        expect(states.length).toBeGreaterThan(0);
        expect(states.at(-1)!.state.sourceStats.recordCount).toEqual(expect.any(Number));
        const statuses = read
          .ofType('TRACE')
          .filter((m) => m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === name)
          .map((m) => m.trace.stream_status.status)
          .filter((s, i, all) => i === 0 || all[i - 1] !== s);
        expect({ name, statuses }).toEqual({ name, statuses: ['STARTED', 'RUNNING', 'COMPLETE'] });
      }
    });

    it('read: resumes User from its state, delivering a change made since', async () => {
      const [user] = emulator.records('User');
      emulator.update('User', String(user.Id), { Title: 'Changed for the container test' });
      const state = read
        .ofType('STATE')
        .filter((m) => m.state.stream.stream_descriptor.name === 'User')
        .slice(-1)
        .map((m) => m.state);
      const again = await runInContainer('read', { config, catalog: catalogFor(['User']), state, caFile: emulator.caFile });
      expect(again.errors).toEqual([]);
      const users = again.ofType('RECORD').map((m) => m.record.data);
      expect(users.find((u) => u.Id === user.Id)).toMatchObject({ Title: 'Changed for the container test' });
      expect(users.length).toBeLessThan(SMALL.User + 1);
    });
  });
});
