/**
 * docs/salesforce.md stays true to the code: every spec option is in the configuration reference,
 * every stream in the stream table, the changelog names the package version, and the troubleshooting
 * table covers every error message the connector builds (and quotes none that it does not).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LATE_COMMIT_LOOKBACK_MS } from '../../connector/salesforce/state/cursor.js';
import { readJson, repoFile } from './support/fixtures.js';

const docs = readFileSync(repoFile('docs/salesforce.md'), 'utf8');
const spec = readJson('spec.json');
const pkg = readJson('package.json');

/** The rows of the first table under a `## heading`, as arrays of cell texts. */
function tableUnder(heading: string): string[][] {
  const start = docs.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/salesforce.md has no section '## ${heading}'`);
  const section = docs.slice(start + 1).split(/\n## /)[0];
  const all = section.split('\n');
  const first = all.findIndex((l) => l.startsWith('|'));
  const end = all.findIndex((l, i) => i > first && !l.startsWith('|'));
  const lines = all.slice(first, end < 0 ? undefined : end);
  return lines.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim()),
  );
}

const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

function connectorSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push({ file: path.relative(repoFile('.'), full), text: readFileSync(full, 'utf8') });
    }
  };
  walk(repoFile('connector'));
  return out;
}

/** Messages passed to the error classes and the message helpers, as their literal parts. */
const SITE =
  /\b(?:new\s+(?:ConfigError|TransientError|SystemError|QuotaReachedError)|fail|config)\(\s*(`(?:\\.|[^`\\])*`|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")/g;

function messageSites(): { file: string; message: string; parts: string[] }[] {
  return connectorSources().flatMap(({ file, text }) =>
    [...text.matchAll(SITE)].map((m) => {
      const literal = m[1];
      const body = literal.slice(1, -1).replace(/\\(['"`\\])/g, '$1');
      const parts = literal.startsWith('`') ? body.split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/) : [body];
      return { file, message: body, parts };
    }),
  );
}

describe('docs/salesforce.md', () => {
  it('documents every option of spec.json in the configuration reference, and no other', () => {
    const documented = tableUnder('Configuration reference').map((row) => codeSpans(row[0])[0]);
    expect([...documented].sort()).toEqual(Object.keys(spec.connectionSpecification.properties).sort());
  });

  it("gives each option the title Airbyte's form shows for it", () => {
    const titles = tableUnder('Configuration reference').map((row) => [codeSpans(row[0])[0], row[1]]);
    const properties = spec.connectionSpecification.properties as Record<string, { title: string }>;
    expect(titles).toEqual(titles.map(([name]) => [name, properties[name].title]));
  });

  it('lists the six streams with their key and cursor', () => {
    const rows = tableUnder('Supported streams');
    expect(rows.map((r) => r[0])).toEqual(spec.connectionSpecification.properties.objects.default);
    for (const row of rows) expect([row[1], row[2]]).toEqual(['`Id`', '`SystemModstamp`']);
  });

  it('opens the changelog with the package version', () => {
    expect(tableUnder('Changelog')[0][0]).toBe(pkg.version);
  });

  it('states the look-back window the connector uses', () => {
    expect(LATE_COMMIT_LOOKBACK_MS).toBe(5 * 60 * 1000);
    expect(docs).toMatch(/five minutes before/);
  });

  it('walks through the Salesforce setup a new org needs', () => {
    for (const topic of [
      'My Domain',
      'sandbox.my.salesforce.com',
      'External Client App',
      'Connected App',
      'Enable Client Credentials Flow',
      'Run As',
      'Salesforce Integration',
      'Permission set licence',
      'API Enabled',
      'field-level security',
      'View All Records',
      'Consumer Key',
      'Consumer Secret',
    ]) {
      expect({ topic, found: docs.includes(topic) }).toEqual({ topic, found: true });
    }
  });

  describe('troubleshooting table', () => {
    const rows = tableUnder('Troubleshooting');
    const phrases = rows.flatMap((row) => codeSpans(row[0]));
    const sources = connectorSources();

    it('quotes distinctive fragments', () => {
      expect(rows.length).toBeGreaterThan(30);
      expect(phrases.filter((p) => p.length < 10)).toEqual([]);
    });

    it('quotes only text the connector can print', () => {
      const unknown = phrases.filter((p) => !sources.some(({ text }) => text.includes(p)));
      expect(unknown).toEqual([]);
    });

    it('covers every error message the connector builds', () => {
      const sites = messageSites();
      expect(sites.length).toBeGreaterThan(40);
      const uncovered = sites.filter(({ parts }) => !phrases.some((p) => parts.some((part) => part.includes(p)))).map((s) => `${s.file}: ${s.message}`);
      expect(uncovered).toEqual([]);
    });
  });
});
