/**
 * metadata.yaml agrees with what it describes: the Dockerfile's labels and entrypoint, the package
 * version and licence, spec.json and the docs. (The container test checks the same against the
 * built image.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseDockerfile, last, stageValues } from './support/dockerfile.js';
import { readJson, readYaml, repoFile, type Json } from './support/fixtures.js';

const metadata = readYaml('metadata.yaml') as Json;
const data: Json = metadata.data;
const pkg = readJson('package.json');
const spec = readJson('spec.json');
const stages = parseDockerfile(readFileSync(repoFile('Dockerfile'), 'utf8'));
const runtime = stages[stages.length - 1];

const REQUIRED = [
  'name', 'definitionId', 'connectorType', 'connectorSubtype', 'dockerRepository', 'dockerImageTag', 'documentationUrl',
  'githubIssueLabel', 'license', 'releaseStage', 'supportLevel', 'allowedHosts', 'suggestedStreams', 'maxSecondsBetweenMessages', 'tags',
];
/** Every key Airbyte's ConnectorMetadataDefinitionV0 allows under `data` (it forbids others). */
const ALLOWED = new Set([
  ...REQUIRED, 'icon', 'connectorBuildOptions', 'supportsDbt', 'supportsNormalization', 'releaseDate', 'protocolVersion', 'registries',
  'registryOverrides', 'releases', 'normalizationConfig', 'resourceRequirements', 'ab_internal', 'remotePackageIndex',
]);

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[a-z0-9-]+(\\.[a-z0-9-]+)*')}$`);
}

describe('metadata.yaml', () => {
  it('has the spec version and every field the registry needs, and no field the schema forbids', () => {
    expect(Object.keys(metadata).sort()).toEqual(['data', 'metadataSpecVersion']);
    expect(metadata.metadataSpecVersion).toEqual(expect.any(String));
    expect(REQUIRED.filter((key) => data[key] === undefined || data[key] === null)).toEqual([]);
    expect(Object.keys(data).filter((key) => !ALLOWED.has(key))).toEqual([]);
  });

  it('describes an API source with a fixed UUID definitionId', () => {
    expect(data.connectorType).toBe('source');
    expect(data.connectorSubtype).toBe('api');
    expect(data.definitionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(data.definitionId).toBe('da49ac44-2ad9-46ab-912e-a9a1476f5068'); // never changes: connections are keyed on it
  });

  it('uses values from the schema enums and a TypeScript language tag', () => {
    expect(['alpha', 'beta', 'generally_available', 'custom']).toContain(data.releaseStage);
    expect(['community', 'certified', 'enterprise', 'archived']).toContain(data.supportLevel);
    expect(data.tags).toContain('language:typescript');
    expect(Number.isInteger(data.maxSecondsBetweenMessages) && data.maxSecondsBetweenMessages > 0).toBe(true);
    if (data.releaseDate !== undefined) expect(data.releaseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('tags the image with the package version and licence', () => {
    expect(data.dockerImageTag).toBe(pkg.version);
    expect(data.license).toBe(pkg.license);
    expect(data.dockerRepository).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
  });

  it('points at the same documentation as spec.json, and that page exists in the repository', () => {
    expect(data.documentationUrl).toBe(spec.documentationUrl);
    const relative = /\/blob\/[^/]+\/(.+)$/.exec(data.documentationUrl)?.[1];
    expect(relative).toBe('docs/salesforce.md');
    expect(existsSync(repoFile(relative!))).toBe(true);
  });

  it('suggests exactly the six objects the spec offers', () => {
    expect(data.suggestedStreams.streams).toEqual(spec.connectionSpecification.properties.objects.items.enum);
  });

  it('allows the Salesforce hosts, and they cover the spec\'s example hosts', () => {
    expect(data.allowedHosts.hosts).toEqual(expect.arrayContaining(['*.salesforce.com', '*.force.com']));
    const patterns = (data.allowedHosts.hosts as string[]).map(globToRegExp);
    for (const host of spec.connectionSpecification.properties.hostname.examples as string[]) {
      expect({ host, allowed: patterns.some((p) => p.test(host)) }).toEqual({ host, allowed: true });
    }
  });
});

describe('Dockerfile', () => {
  it('builds in several stages, all on node:24-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toBe('node:24-bookworm-slim');
  });

  it('declares NPM_CONFIG_CAFILE in every stage that runs npm', () => {
    for (const stage of stages.filter((s) => s.instructions.some((i) => i.keyword === 'RUN' && /\bnpm\b/.test(i.args)))) {
      expect({ stage: stage.name, arg: stage.instructions.some((i) => i.keyword === 'ARG' && /^NPM_CONFIG_CAFILE\b/.test(i.args)) }).toEqual({ stage: stage.name, arg: true });
    }
  });

  it('labels the image with metadata\'s dockerRepository and dockerImageTag', () => {
    const labels = stageValues(runtime, 'LABEL');
    expect(labels['io.airbyte.name']).toBe(data.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(data.dockerImageTag);
  });

  it('sets AIRBYTE_ENTRYPOINT to the space-joined ENTRYPOINT, which runs the compiled CLI', () => {
    const entrypoint = JSON.parse(last(runtime, 'ENTRYPOINT')!.args) as string[];
    expect(stageValues(runtime, 'ENV').AIRBYTE_ENTRYPOINT).toBe(entrypoint.join(' '));
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint[entrypoint.length - 1]).toMatch(/\/dist\/connector\/cli\.js$/);
  });

  it('runs node with the same V8 memory flags as the CLI shebang, through an overridable NODE_OPTIONS', () => {
    const shebang = readFileSync(repoFile('connector/cli.ts'), 'utf8').split('\n', 1)[0];
    const flags = /^#!\/usr\/bin\/env -S node (.+)$/.exec(shebang)?.[1];
    expect(flags).toMatch(/--max-old-space-size=\d+/);
    expect(stageValues(runtime, 'ENV').NODE_OPTIONS).toBe(flags);
  });

  it('runs as a non-root user', () => {
    const user = last(runtime, 'USER')?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('copies into the runtime stage only the compiled connector, its data files and production dependencies', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    const sources = copies.flatMap((args) => args.replace(/--from=\S+\s+/, '').split(/\s+/).slice(0, -1));
    expect(sources.sort()).toEqual(['/build/dist/connector', '/build/dist/generated', '/build/node_modules', 'package.json', 'schemas', 'spec.json'].sort());
    expect(copies.find((c) => c.includes('node_modules'))).toMatch(/--from=deps\b/);
    expect(stages.find((s) => s.name === 'deps')?.instructions.some((i) => i.keyword === 'RUN' && /--omit=dev/.test(i.args))).toBe(true);
  });
});
