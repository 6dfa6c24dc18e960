/**
 * `npm run bench:chart`: draws docs/performance.svg again from the figures the last full bench run
 * wrote into docs/performance.md (its Runs table and header), without running the bench, for when
 * only the chart's drawing changed. Records per CPU-second and peak RSS are taken as printed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartCaption, chartSvg } from './chart.js';
import type { Measured } from './report.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const number = (cell: string) => Number(cell.replace(/,/g, ''));

/** The figures of the Runs table of docs/performance.md, and the caption its header gives. */
export function recordedRuns(doc: string): { results: Measured[]; caption: string } {
  const date = /^- Date: (\S+)$/m.exec(doc)?.[1];
  const commit = /repository at commit (.+)$/m.exec(doc)?.[1];
  const node = /^- Node (v[\d.]+);/m.exec(doc)?.[1];
  const cpuCount = /^- Machine: (\d+) CPUs/m.exec(doc)?.[1];
  if (!date || !commit || !node || !cpuCount) throw new Error('docs/performance.md has no bench header (Date, Machine, Node, commit)');
  const after = doc.slice(doc.indexOf('### Runs')).split('\n');
  const start = after.findIndex((l) => l.startsWith('| Scenario'));
  if (start < 0) throw new Error('docs/performance.md has no Runs table');
  const header = after[start];
  const end = after.findIndex((l, i) => i > start && !l.startsWith('|'));
  const table = after.slice(start, end < 0 ? undefined : end);
  const columns = header.split('|').map((c) => c.trim());
  const at = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`the Runs table has no column '${name}'`);
    return i;
  };
  const col = { scenario: at('Scenario (emulator settings)'), program: at('Program'), records: at('Records'), wall: at('Wall s') };
  const more = { perCpu: at('Records/CPU-s'), rss: at('Peak RSS MiB'), calls: at('API calls'), emulatorCpu: at('Emulator CPU s') };
  const rows = table.filter((l) => l.startsWith('| ') && !l.startsWith('| Scenario') && !l.startsWith('| ---')).map((l) => l.split('|').map((c) => c.trim()));
  const results = rows.map((cells): Measured => {
    const records = number(cells[col.records]);
    return {
      scenario: cells[col.scenario],
      program: cells[col.program],
      records,
      wallMs: number(cells[col.wall]) * 1000,
      stdoutBytes: 0,
      peakRssKb: number(cells[more.rss]) * 1024,
      // What makes perCpuSecond() give back the printed records per CPU-second.
      cpuMs: (records / number(cells[more.perCpu])) * 1000,
      apiCalls: number(cells[more.calls]),
      emulatorCpuMs: number(cells[more.emulatorCpu]) * 1000,
      reps: 1,
    };
  });
  return { results, caption: chartCaption(new Date(date), commit, Number(cpuCount), node) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { results, caption } = recordedRuns(readFileSync(join(ROOT, 'docs/performance.md'), 'utf8'));
  writeFileSync(join(ROOT, 'docs/performance.svg'), chartSvg(results, caption));
  process.stderr.write(`docs/performance.svg drawn again from the ${results.length} runs in docs/performance.md\n`);
}
