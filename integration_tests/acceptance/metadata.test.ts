/**
 * metadata.yaml agrees with what it describes: the Dockerfile's labels and entrypoint, the package
 * version and licence, spec.json and the docs. (The container test checks the same against the
 * built image.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DockerfileParser, PropertyInstruction, type ImageTemplate } from 'dockerfile-ast';
import { isSalesforceHost, SALESFORCE_DOMAINS } from '../../connector/salesforce/api/instance-url.js';
import { readJson, readYaml, repoFile, type Json } from './support/fixtures.js';

const metadata = readYaml('metadata.yaml') as Json;
const data: Json = metadata.data;
const pkg = readJson('package.json');
const spec = readJson('spec.json');

interface Stage {
  name: string | null;
  image: string | null;
  body: ImageTemplate;
}
const dockerfile = DockerfileParser.parse(readFileSync(repoFile('Dockerfile'), 'utf8'));
const stages: Stage[] = dockerfile.getFROMs().map((from) => ({
  name: from.getBuildStage(),
  image: from.getImage(),
  body: dockerfile.getContainingImage(from.getRange().start)!,
}));
const runtime = stages[stages.length - 1];

/** The name=value pairs of a stage's LABEL or ENV instructions, values unquoted. */
function stageValues(stage: Stage, keyword: 'LABEL' | 'ENV'): Record<string, string | null> {
  const instructions = stage.body.getInstructions().filter((i): i is PropertyInstruction => i instanceof PropertyInstruction && i.getKeyword() === keyword);
  return Object.fromEntries(instructions.flatMap((i) => i.getProperties().map((p) => [p.getName(), p.getValue()])));
}
const keywordsOf = (stage: Stage, keyword: string) => stage.body.getInstructions().filter((i) => i.getKeyword() === keyword);

const REQUIRED = [
  'name',
  'definitionId',
  'connectorType',
  'connectorSubtype',
  'dockerRepository',
  'dockerImageTag',
  'documentationUrl',
  'githubIssueLabel',
  'license',
  'releaseStage',
  'supportLevel',
  'allowedHosts',
  'suggestedStreams',
  'maxSecondsBetweenMessages',
  'tags',
];
/** Every key Airbyte's ConnectorMetadataDefinitionV0 allows under `data` (it forbids others). */
const ALLOWED = new Set([
  ...REQUIRED,
  'icon',
  'connectorBuildOptions',
  'supportsDbt',
  'supportsNormalization',
  'releaseDate',
  'protocolVersion',
  'registries',
  'registryOverrides',
  'releases',
  'normalizationConfig',
  'resourceRequirements',
  'ab_internal',
  'remotePackageIndex',
]);

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[a-z0-9-]+(\\.[a-z0-9-]+)*')}$`,
  );
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

  it('points at the same documentation as spec.json: the user guide of this repository, where the image keeps it', () => {
    expect(data.documentationUrl).toBe(spec.documentationUrl);
    const inImage = new URL(data.documentationUrl);
    expect(inImage.protocol).toBe('file:');
    const workdir = keywordsOf(runtime, 'WORKDIR').at(-1)!.getArgumentsContent()!;
    const relative = path.posix.relative(workdir, inImage.pathname);
    expect(relative).toBe('docs/salesforce.md');
    expect(existsSync(repoFile(relative))).toBe(true);
    const copied = runtime.body.getCOPYs().find((copy) => copy.getArguments()[0].getValue() === relative);
    expect(copied?.getArguments().map((a) => a.getValue())).toEqual([relative, './docs/']);
  });

  it('suggests exactly the six objects the spec selects by default', () => {
    expect(data.suggestedStreams.streams).toEqual(spec.connectionSpecification.properties.objects.default);
  });

  describe('allowedHosts: every host the connector may call, and no other', () => {
    const hosts = data.allowedHosts.hosts as string[];
    const templates = hosts.filter((host) => host.startsWith('${'));
    const globs = hosts.filter((host) => !host.startsWith('${'));

    it('names the configured hostname, a field of the spec the platform fills in', () => {
      expect(templates).toEqual(['${hostname}']);
      expect(Object.keys(spec.connectionSpecification.properties)).toContain('hostname');
    });

    it("covers each Salesforce domain whose instance_url the connector follows, exactly (instance-url.ts's list)", () => {
      expect([...globs].sort()).toEqual(SALESFORCE_DOMAINS.map((domain) => `*${domain}`).sort());
      for (const domain of SALESFORCE_DOMAINS) {
        const host = `acme--dev.sandbox.my${domain}`;
        expect({ host, followed: isSalesforceHost(host), allowed: globs.map(globToRegExp).some((p) => p.test(host)) }).toEqual({
          host,
          followed: true,
          allowed: true,
        });
      }
    });

    it("covers the spec's example hosts", () => {
      for (const host of spec.connectionSpecification.properties.hostname.examples as string[]) {
        expect({ host, allowed: globs.map(globToRegExp).some((p) => p.test(host)) }).toEqual({ host, allowed: true });
      }
    });
  });
});

describe('Dockerfile', () => {
  it('builds in several stages, all on node:24-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toBe('node:24-bookworm-slim');
  });

  // Behind a TLS-inspecting proxy npm needs the proxy's CA: a build secret (docker and podman) or a
  // build argument naming a bundle. Each optional, so neither makes the build warn when absent.
  it('lets every stage that runs npm take a proxy CA, as the npm_ca secret or NPM_CONFIG_CAFILE with a default', () => {
    const npmStages = stages.filter((s) => keywordsOf(s, 'RUN').some((i) => /\bnpm\b/.test(i.getArgumentsContent() ?? '')));
    expect(npmStages.length).toBeGreaterThan(0);
    for (const stage of npmStages) {
      const arg = stage.body.getARGs().find((a) => a.getProperty()?.getName() === 'NPM_CONFIG_CAFILE');
      const npmRuns = keywordsOf(stage, 'RUN').filter((i) => /\bnpm ci\b/.test(i.getArgumentsContent() ?? ''));
      expect({
        stage: stage.name,
        argWithDefault: arg?.getProperty()?.getAssignmentOperator() === '=',
        secret: npmRuns.every((i) => /^RUN --mount=type=secret,id=npm_ca\b[\s\S]*NODE_EXTRA_CA_CERTS=\/run\/secrets\/npm_ca/.test(i.getTextContent())),
      }).toEqual({ stage: stage.name, argWithDefault: true, secret: true });
    }
  });

  it('describes the image with every login flow of the spec', () => {
    const description = stageValues(runtime, 'LABEL')['org.opencontainers.image.description'] ?? '';
    for (const branch of spec.connectionSpecification.properties.credentials.oneOf as Json[]) {
      const flow = String(branch.properties.auth_type.const).replace(/_/g, ' ');
      expect({ flow, named: description.toLowerCase().includes(flow) }).toEqual({ flow, named: true });
    }
  });

  it("labels the image with metadata's dockerRepository and dockerImageTag", () => {
    const labels = stageValues(runtime, 'LABEL');
    expect(labels['io.airbyte.name']).toBe(data.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(data.dockerImageTag);
  });

  it('sets AIRBYTE_ENTRYPOINT to the space-joined ENTRYPOINT, which runs the compiled CLI', () => {
    const entrypoint = runtime.body
      .getENTRYPOINTs()
      .at(-1)!
      .getJSONStrings()
      .map((s) => s.getJSONValue());
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
    const user = keywordsOf(runtime, 'USER').at(-1)?.getArgumentsContent();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('copies from the checkout into the runtime stage with --chmod=644, readable by its user whatever the umask of the checkout', () => {
    const fromCheckout = runtime.body.getCOPYs().filter((copy) => !copy.getFromFlag());
    expect(fromCheckout.length).toBeGreaterThan(0);
    for (const copy of fromCheckout)
      expect({ copy: copy.getTextContent(), chmod: copy.getTextContent().includes('--chmod=644 ') }).toEqual({ copy: copy.getTextContent(), chmod: true });
  });

  it('copies into the runtime stage only the compiled connector, its data files, the user guide and production dependencies', () => {
    const copies = runtime.body.getCOPYs();
    const sources = copies.flatMap((copy) =>
      copy
        .getArguments()
        .slice(0, -1)
        .map((a) => a.getValue()),
    );
    expect(sources.sort()).toEqual(
      ['/build/dist/connector', '/build/dist/generated', '/build/node_modules', 'docs/salesforce.md', 'package.json', 'schemas/*.json', 'spec.json'].sort(),
    );
    const modules = copies.find((copy) => copy.getArguments().some((a) => a.getValue().includes('node_modules')));
    expect(modules?.getFromFlag()?.getValue()).toBe('deps');
    const deps = stages.find((s) => s.name === 'deps');
    expect(deps && keywordsOf(deps, 'RUN').some((i) => /--omit=dev/.test(i.getArgumentsContent() ?? ''))).toBe(true);
  });
});
