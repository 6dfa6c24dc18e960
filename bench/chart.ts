/**
 * The bench's chart: records per CPU-second and peak RSS, per program and scenario, and what the WAN
 * scenario downloaded per second, as one SVG with panels of horizontal bars (docs/performance.svg, embedded by docs/performance.md). Plain SVG
 * text, no library: it renders on GitHub and in any browser.
 */
import { fmt, type RecordedRun } from './report.js';

const WIDTH = 960;
const LABEL = 330;
const BAR = 14;
const GAP = 4;
const PANEL_GAP = 40;
const COLORS: Array<[RegExp, string]> = [
  [/^floor/, '#9e9e9e'],
  [/^jsforce/, '#e8a33d'],
  [/no V8 flags/, '#7cb3e0'],
  [/^connector/, '#1f6fb2'],
];

/** What each colour stands for, in the legend under the caption. */
const LEGEND: Array<[string, string]> = [
  ['#1f6fb2', 'connector, as shipped'],
  ['#7cb3e0', 'connector, no V8 flags'],
  ['#e8a33d', 'jsforce 3'],
  ['#9e9e9e', 'floor (least work any Node program must do)'],
];
const LEGEND_HEIGHT = 22;
/** Rough width of 11 px sans-serif text: enough to keep a value's label clear of the limit line. */
const textWidth = (text: string) => text.length * 6.5;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const color = (program: string) => COLORS.find(([re]) => re.test(program))?.[1] ?? '#555';

interface Panel {
  title: string;
  value: (m: RecordedRun) => number;
  unit: string;
  /** a vertical line (a target), if any */
  limit?: { value: number; label: string };
}

/** What the emulator's link carried to the program per second of wall time, in MB/s (WAN scenario). */
export function wireRate(m: RecordedRun): number {
  return (m.wireBytes ?? 0) / 1e6 / Math.max(m.wallMs / 1000, 0.001);
}

export function perCpuSecond(m: RecordedRun): number {
  return m.records / Math.max(m.cpuMs / 1000, 0.001);
}

function panel(results: readonly RecordedRun[], spec: Panel, top: number): { svg: string[]; height: number } {
  const max = Math.max(spec.limit?.value ?? 0, ...results.map(spec.value)) * 1.08;
  const plot = WIDTH - LABEL - 90;
  const x = (v: number) => LABEL + (plot * v) / max;
  const svg = [`<text x="10" y="${top + 16}" font-size="15" font-weight="bold">${escape(spec.title)}</text>`];
  let y = top + 30;
  let scenario = '';
  for (const m of results) {
    if (m.scenario !== scenario) {
      scenario = m.scenario;
      svg.push(`<text x="10" y="${y + 11}" font-size="11" font-style="italic" fill="#333">${escape(scenario)}</text>`);
      y += BAR + GAP;
    }
    const v = spec.value(m);
    const label = `${fmt(v)} ${spec.unit}`;
    // A value's label that would sit under the limit line moves to its right.
    let labelX = x(v) + 4;
    if (spec.limit && labelX < x(spec.limit.value) + 4 && labelX + textWidth(label) > x(spec.limit.value) - 4) labelX = x(spec.limit.value) + 6;
    svg.push(
      `<text x="${LABEL - 6}" y="${y + 11}" font-size="11" text-anchor="end">${escape(m.program)}</text>`,
      `<rect x="${LABEL}" y="${y}" width="${Math.max(1, x(v) - LABEL).toFixed(1)}" height="${BAR}" fill="${color(m.program)}"/>`,
      `<text x="${labelX.toFixed(1)}" y="${y + 11}" font-size="11">${escape(label)}</text>`,
    );
    y += BAR + GAP;
  }
  if (spec.limit) {
    const lx = x(spec.limit.value).toFixed(1);
    svg.push(
      `<line x1="${lx}" y1="${top + 24}" x2="${lx}" y2="${y}" stroke="#c62828" stroke-dasharray="4 3"/>`,
      `<text x="${lx}" y="${top + 22}" font-size="10" fill="#c62828" text-anchor="middle">${escape(spec.limit.label)}</text>`,
    );
  }
  return { svg, height: y - top };
}

/** One row of colour keys, and the limit line's, with its baseline at `y`. */
function legend(y: number): string[] {
  const svg: string[] = [];
  let x = 10;
  for (const [fill, text] of LEGEND) {
    svg.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${fill}"/>`, `<text x="${x + 17}" y="${y}" font-size="11">${escape(text)}</text>`);
    x += 17 + textWidth(text) + 16;
  }
  svg.push(
    `<line x1="${x}" y1="${y - 10}" x2="${x}" y2="${y + 2}" stroke="#c62828" stroke-dasharray="4 3"/>`,
    `<text x="${x + 6}" y="${y}" font-size="11">target</text>`,
  );
  return svg;
}

/** `caption`: the commit and date the figures come from, printed under the title. */
export function chartSvg(results: readonly RecordedRun[], caption: string): string {
  const header = [
    `<text x="10" y="22" font-size="17" font-weight="bold">source-salesforce read: records per CPU-second and peak RSS</text>`,
    `<text x="10" y="40" font-size="11" fill="#555">${escape(caption)}</text>`,
    ...legend(58),
  ];
  const top = 50 + LEGEND_HEIGHT;
  const cpu = panel(results, { title: 'Records per CPU-second (higher is better)', value: perCpuSecond, unit: 'rec/CPU-s' }, top);
  const rss = panel(
    results,
    { title: 'Peak RSS (lower is better)', value: (m) => m.peakRssKb / 1024, unit: 'MiB', limit: { value: 150, label: '150 MiB target' } },
    top + cpu.height + PANEL_GAP,
  );
  const overLink = results.filter((m) => m.wireBytes !== undefined);
  const wan = overLink.length
    ? panel(
        overLink,
        { title: 'Downloaded over a WAN link: bytes / wall time (higher is better)', value: wireRate, unit: 'MB/s' },
        top + cpu.height + rss.height + 2 * PANEL_GAP,
      )
    : { svg: [], height: -PANEL_GAP };
  const height = top + cpu.height + PANEL_GAP + rss.height + PANEL_GAP + wan.height + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...header,
    ...cpu.svg,
    ...rss.svg,
    ...wan.svg,
    '</svg>',
    '',
  ].join('\n');
}
