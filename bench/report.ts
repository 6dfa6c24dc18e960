/**
 * The bench's report: the machine, the targets with PASS/FAIL and every run's figures, printed and
 * written between the bench markers of docs/performance.md (all of it) and README.md (machine and targets).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { chartSvg, perCpuSecond } from './chart.js';

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

/** A run's figures as bench/last-run.json keeps them: no Maps, nothing only the targets needed. */
export type RecordedRun = Omit<Measured, 'perStream' | 'inFlight'>;

/**
 * Everything the docs show of one full bench run, recorded in bench/last-run.json: the README's
 * performance block, docs/performance.md's results and docs/performance.svg are rendered from it
 * alone (`npm run bench:docs` renders them again without measuring), so a figure the reader sees
 * has one source, and integration_tests/readme-figures.test.ts checks that the docs agree with it.
 */
export interface BenchRecord {
  machine: {
    date: string;
    cpus: string;
    cpuModel: string;
    ram: string;
    kernel: string;
    node: string;
    commit: string;
    quick: boolean;
    reps: number;
    seed: number;
    connectorNodeFlags: string[];
    loadAtStart: string;
    loadAtEnd: string;
  };
  targets: Target[];
  runs: RecordedRun[];
  notes: string[];
  totalMs: number;
}

export const mb = (bytes: number) => bytes / 1e6;
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const rate = (m: RecordedRun) => m.records / (m.wallMs / 1000);

/** The facts about the machine and the run, taken when the run ends. */
export function benchRecord(info: RunInfo, results: readonly Measured[], targets: readonly Target[], notes: readonly string[], totalMs: number): BenchRecord {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return '?';
    }
  };
  const ram =
    sh('free', ['-h'])
      .split('\n')
      .find((l) => l.startsWith('Mem:'))
      ?.split(/\s+/)[1] ?? '?';
  return {
    machine: {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      cpus: sh('nproc', []),
      cpuModel: cpus()[0]?.model ?? '?',
      ram,
      kernel: sh('uname', ['-r']),
      node: process.version,
      commit: commitOf(info),
      quick: info.quick,
      reps: info.reps,
      seed: info.seed,
      connectorNodeFlags: [...info.connectorNodeFlags],
      loadAtStart: info.loadAtStart,
      loadAtEnd: loadavg()[0].toFixed(2),
    },
    targets: targets.map((t) => ({ ...t })),
    runs: results.map(({ perStream: _perStream, inFlight: _inFlight, ...run }) => run),
    notes: [...notes],
    totalMs,
  };
}

function machineLines({ machine: m }: BenchRecord): string[] {
  return [
    `- Date: ${m.date}`,
    `- Machine: ${m.cpus} CPUs (nproc), ${m.cpuModel}, ${m.ram} RAM (free -h), Linux ${m.kernel}`,
    `- Node ${m.node}; repository at commit ${m.commit}`,
    `- Mode: ${m.quick ? 'quick (sizes / 10)' : 'full'}, ${m.reps} repetition(s) of the loopback and latency runs (median wall time, largest peak RSS), emulator seed ${m.seed}`,
    `- Connector node flags: ${m.connectorNodeFlags.length > 0 ? `\`${m.connectorNodeFlags.join(' ')}\`` : 'none'} (the CLI's shebang unless BENCH_CONNECTOR_NODE_FLAGS is set)`,
    `- Load average (1 min) at start ${m.loadAtStart}, at end ${m.loadAtEnd}: anything else running on the machine shows up in wall times, not in CPU times`,
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

/** The README's block: the machine and the targets. */
export function summary(record: BenchRecord): string[] {
  return [
    ...machineLines(record),
    '',
    ...table(
      ['Target (issues 3 and 15)', 'Measured', 'Result'],
      record.targets.map((t) => [t.target, t.measured, t.pass === undefined ? '—' : t.pass ? 'PASS' : `**FAIL**${t.cause ? `: ${t.cause}` : ''}`]),
      ['l', 'l', 'l'],
    ),
  ];
}

/** docs/performance.md's block: the summary, every run's figures and the notes. */
export function report(record: BenchRecord): string[] {
  const results = record.runs;
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
    ...summary(record),
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
    `Bench wall time: ${fmt(record.totalMs / 1000)} s.`,
  ];
  if (record.notes.length) lines.push('', ...record.notes.map((n) => `- ${n}`));
  return lines;
}

export const START = '<!-- bench:results:start -->';
export const END = '<!-- bench:results:end -->';
export const RECORD_PATH = 'bench/last-run.json';

/** The text between the markers of `doc`, or undefined when it has none. */
export function blockOf(doc: string): string | undefined {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  return start < 0 || end < start ? undefined : doc.slice(start + START.length + 1, end - 1);
}

/** Replaces the text between the markers of `file` (appending them if absent). */
function replaceBlock(file: string, lines: string[], fresh: string): void {
  const block = `${START}\n${lines.join('\n')}\n${END}`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : fresh;
  if (!doc.includes(START) || !doc.includes(END)) doc += `\n${START}\n${END}\n`;
  doc = doc.slice(0, doc.indexOf(START)) + block + doc.slice(doc.indexOf(END) + END.length);
  writeFileSync(file, doc);
  process.stderr.write(`results written to ${file}\n`);
}

/** The chart's caption: the date, commit and machine the figures come from. */
export function chartCaption({ machine: m }: BenchRecord): string {
  return `${m.date.slice(0, 16).replace('T', ' ')} UTC, commit ${m.commit}, ${m.cpus} CPUs, Node ${m.node}; details in docs/performance.md`;
}

export function readRecord(root: string): BenchRecord {
  return JSON.parse(readFileSync(join(root, RECORD_PATH), 'utf8')) as BenchRecord;
}

/**
 * Renders a recorded run into the docs: the full report to docs/performance.md, the machine and the
 * targets to the README's performance section, the chart to docs/performance.svg (which
 * performance.md embeds). `record`: also writes the run to bench/last-run.json (a fresh run).
 */
export function writeDocs(root: string, record: BenchRecord, { save }: { save: boolean }): void {
  mkdirSync(join(root, 'docs'), { recursive: true });
  if (save) writeFileSync(join(root, RECORD_PATH), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(root, 'docs/performance.svg'), chartSvg(record.runs, chartCaption(record)));
  replaceBlock(join(root, 'docs/performance.md'), report(record), `# Performance\n\n${START}\n${END}\n`);
  replaceBlock(join(root, 'README.md'), summary(record), `${START}\n${END}\n`);
}
