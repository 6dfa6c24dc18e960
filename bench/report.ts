/**
 * The bench's report: the machine, the targets with PASS/FAIL and every run's figures, printed and
 * written between the bench markers of docs/performance.md (all of it) and README.md (machine and targets).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { chartCaption, chartSvg, perCpuSecond } from './chart.js';

export interface Measured {
  scenario: string;
  program: string;
  records: number;
  wallMs: number;
  stdoutBytes: number;
  peakRssKb: number;
  cpuMs: number;
  /** metered calls the emulator counted during the run */
  apiCalls: number;
  emulatorCpuMs: number;
  /** per-stream "N records/M calls" from the connector's last LOG line */
  perStream?: Map<string, { records: number; calls: number }>;
  /** the connector's peak of answers in flight and its budget (final log line) */
  inFlight?: { peakMiB: number; budgetMiB: number };
  /** bytes the emulator's link carried to the program (scenarios with a link) */
  wireBytes?: number;
  reps: number;
}

export interface Target {
  target: string;
  measured: string;
  /** undefined: a reference figure, not one of issue 3's targets */
  pass?: boolean;
  /** why a failed target fails, as far as the measurements tell */
  cause?: string;
}

/** What the report says about the run itself. */
export interface RunInfo {
  root: string;
  quick: boolean;
  reps: number;
  seed: number;
  connectorNodeFlags: readonly string[];
  loadAtStart: string;
}

export const mb = (bytes: number) => bytes / 1e6;
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const rate = (m: Measured) => m.records / (m.wallMs / 1000);

function machine(info: RunInfo): string[] {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  const mem =
    sh('free', ['-h'])
      .split('\n')
      .find((l) => l.startsWith('Mem:'))
      ?.split(/\s+/)[1] ?? '?';
  return [
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: ${sh('nproc', [])} CPUs (nproc), ${cpus()[0]?.model ?? '?'}, ${mem} RAM (free -h), Linux ${sh('uname', ['-r'])}`,
    `- Node ${process.version}; repository at commit ${commitOf(info)}`,
    `- Mode: ${info.quick ? 'quick (sizes / 10)' : 'full'}, ${info.reps} repetition(s) of the loopback and latency runs (median wall time, largest peak RSS), emulator seed ${info.seed}`,
    `- Connector node flags: ${info.connectorNodeFlags.length > 0 ? `\`${info.connectorNodeFlags.join(' ')}\`` : 'none'} (the CLI's shebang unless BENCH_CONNECTOR_NODE_FLAGS is set)`,
    `- Load average (1 min) at start ${info.loadAtStart}, at end ${loadavg()[0].toFixed(2)}: anything else running on the machine shows up in wall times, not in CPU times`,
  ];
}

/** The commit the figures come from, flagged when the measured code differs from it. */
function commitOf(info: RunInfo): string {
  try {
    const hash = execFileSync('git', ['-C', info.root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', info.root, 'status', '--porcelain', 'connector', 'bench', 'integration_tests/emulator'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${hash} (with uncommitted changes in connector/, bench/ or the emulator)` : hash;
  } catch {
    return '?';
  }
}

function table(header: string[], rows: string[][], align: ('l' | 'r')[]): string[] {
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`);
}

export function summary(info: RunInfo, targets: readonly Target[]): string[] {
  return [
    ...machine(info),
    '',
    ...table(
      ['Target (issues 3 and 15)', 'Measured', 'Result'],
      targets.map((t) => [t.target, t.measured, t.pass === undefined ? '—' : t.pass ? 'PASS' : `**FAIL**${t.cause ? `: ${t.cause}` : ''}`]),
      ['l', 'l', 'l'],
    ),
  ];
}

export function report(info: RunInfo, results: readonly Measured[], targets: readonly Target[], notes: readonly string[], totalMs: number): string[] {
  const runRows = results.map((m) => {
    const floorRun = results.find((f) => f.scenario === m.scenario && f.program === 'floor REST');
    const ratio = m.program.startsWith('connector') && floorRun ? fmt(rate(m) / rate(floorRun), 2) : '';
    return [
      m.scenario,
      m.program,
      fmt(m.records),
      fmt(m.wallMs / 1000, 2),
      fmt(rate(m)),
      fmt(perCpuSecond(m)),
      fmt(mb(m.stdoutBytes) / (m.wallMs / 1000), 1),
      fmt(m.peakRssKb / 1024),
      fmt(m.cpuMs / 1000, 1),
      fmt(m.emulatorCpuMs / 1000, 1),
      String(m.apiCalls),
      ratio,
    ];
  });
  const lines = [
    ...summary(info, targets),
    '',
    '### Runs',
    '',
    ...table(
      [
        'Scenario (emulator settings)',
        'Program',
        'Records',
        'Wall s',
        'Records/s',
        'Records/CPU-s',
        'stdout MB/s',
        'Peak RSS MiB',
        'CPU s',
        'Emulator CPU s',
        'API calls',
        'Rate / REST floor',
      ],
      runRows,
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `Bench wall time: ${fmt(totalMs / 1000)} s.`,
  ];
  if (notes.length) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines;
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** Replaces the text between the markers of `file` (appending them if absent). */
function replaceBlock(file: string, lines: string[], fresh: string): void {
  const block = `${START}\n${lines.join('\n')}\n${END}`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : fresh;
  if (!doc.includes(START) || !doc.includes(END)) doc += `\n${START}\n${END}\n`;
  doc = doc.slice(0, doc.indexOf(START)) + block + doc.slice(doc.indexOf(END) + END.length);
  writeFileSync(file, doc);
  process.stderr.write(`results written to ${file}\n`);
}

/**
 * The full report goes to docs/performance.md, the machine and the targets to the README's
 * performance section, the chart to docs/performance.svg (which performance.md embeds).
 */
export function writeDocs(info: RunInfo, targets: readonly Target[], lines: string[], results: readonly Measured[]): void {
  mkdirSync(join(info.root, 'docs'), { recursive: true });
  const caption = chartCaption(new Date(), commitOf(info), cpus().length, process.version);
  writeFileSync(join(info.root, 'docs/performance.svg'), chartSvg(results, caption));
  replaceBlock(join(info.root, 'docs/performance.md'), lines, `# Performance\n\n${START}\n${END}\n`);
  replaceBlock(join(info.root, 'README.md'), summary(info, targets), `${START}\n${END}\n`);
}
