/**
 * Figures that cannot go stale: every measurement the README shows comes from the last recorded bench
 * run (bench/last-run.json), rendered between the bench markers. Outside that block the README names
 * no test count and no duration; the only durations it may state are limits the connector enforces,
 * and those are read from the code here, so they cannot go stale either.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { blockOf, chartCaption, END, readRecord, report, START, summary } from '../bench/report.js';
import { chartSvg } from '../bench/chart.js';
import { nativeImport } from './helpers/native.js';
import { REPO_ROOT } from './helpers/paths.js';

const { DEFAULT_SETTINGS } = nativeImport<typeof import('../connector/salesforce/settings.js')>(
  new URL('../connector/salesforce/settings.js', import.meta.url),
);
const { LATE_COMMIT_LOOKBACK_MS } = nativeImport<typeof import('../connector/salesforce/state/cursor.js')>(
  new URL('../connector/salesforce/state/cursor.js', import.meta.url),
);

const read = (relative: string) => readFileSync(path.join(REPO_ROOT, relative), 'utf8');

/** The README without its generated block. */
function handWritten(readme: string): string {
  return readme.slice(0, readme.indexOf(START)) + readme.slice(readme.indexOf(END) + END.length);
}

const TEST_COUNT = /\b\d[\d,]*\s+(?:tests|test cases|test suites|suites)\b/gi;
const DURATION =
  /~?\s*\b\d[\d,.]*(?:\s*[–-]\s*\d[\d,.]*)?\s*(?:ms|s|secs?|seconds?|mins?|minutes?)\b|\b(?:about|around|roughly|nearly|under|over)\s+(?:a|an|one|two|half a)\s+(?:second|minute)s?\b/gi;

/** The limits the README states, as the code sets them. */
function enforcedLimits(): string[] {
  return [
    `${DEFAULT_SETTINGS.idleTimeoutMs / 1000} s of silence`,
    `${DEFAULT_SETTINGS.deadlineMs / 60_000} minutes per call`,
    `takes nothing for ${DEFAULT_SETTINGS.outputStallMs / 60_000} minutes`,
    `${LATE_COMMIT_LOOKBACK_MS / 60_000} minutes before`,
  ];
}

describe('the README', () => {
  const readme = read('README.md');
  const text = handWritten(readme);

  it('names no test count outside the generated block', () => {
    expect(text.match(TEST_COUNT) ?? []).toEqual([]);
  });

  it('names no duration outside the generated block, except the limits the connector enforces', () => {
    let rest = text;
    for (const limit of enforcedLimits()) {
      expect({ limit, stated: rest.includes(limit) }).toEqual({ limit, stated: true });
      rest = rest.split(limit).join('');
    }
    expect((rest.match(DURATION) ?? []).map((found) => found.trim())).toEqual([]);
  });

  it('gives the two commands of a fresh machine first, the test command as CI runs it', () => {
    const first = /```sh\n([\s\S]*?)```/.exec(readme)![1].split('\n').filter(Boolean);
    expect(first.map((line) => line.split('#')[0].trim())).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
    expect(read('.ci/run')).toMatch(/^npm ci && npm test(?:\s|$)/m);
  });
});

describe('the generated blocks', () => {
  const record = readRecord(REPO_ROOT);

  it('of the README and docs/performance.md are the last recorded bench run, rendered', () => {
    expect(blockOf(read('README.md'))).toBe(summary(record).join('\n'));
    expect(blockOf(read('docs/performance.md'))).toBe(report(record).join('\n'));
  });

  it('include the chart, docs/performance.svg', () => {
    expect(read('docs/performance.svg')).toBe(chartSvg(record.runs, chartCaption(record)));
  });
});
