/**
 * Issue 3's targets judged from the bench's measurements: pure functions from runs to table rows.
 */
import { availableParallelism } from 'node:os';
import { fmt, rate, type Measured, type Target } from './report.js';

export const restCallBound = (records: number) => Math.ceil(records / 2000) + 3;
export const bulkCallBound = (records: number) => (10 * records) / 100_000;

export function loopbackRestTarget(floorRest: Measured, connRest: Measured): Target {
  const restRatio = rate(connRest) / rate(floorRest);
  return {
    target: 'Loopback REST throughput ≥ 0.7 × floor',
    measured: `${fmt(rate(connRest))} vs ${fmt(rate(floorRest))} rec/s = ${fmt(restRatio, 2)} ×`,
    pass: restRatio >= 0.7,
  };
}

export function bulkTarget(connRest: Measured, connBulk: Measured, floorRest?: Measured, floorBulk?: Measured): Target {
  const floors =
    floorRest && floorBulk
      ? ` (Bulk floor ${fmt(rate(floorBulk))} vs REST floor ${fmt(rate(floorRest))} rec/s = ${fmt(rate(floorBulk) / rate(floorRest), 2)} ×)`
      : '';
  return {
    target: 'Bulk at least as fast as REST per record',
    measured: `Bulk ${fmt(rate(connBulk))} vs REST ${fmt(rate(connRest))} rec/s = ${fmt(rate(connBulk) / rate(connRest), 2)} ×${floors}`,
    pass: rate(connBulk) >= rate(connRest),
  };
}

export function restCallTarget(rest: Measured): Target {
  const rb = restCallBound(rest.records);
  return {
    target: 'REST backfill API calls ≤ ceil(records / 2000) + 3 per stream',
    measured: `${rest.apiCalls} calls for ${fmt(rest.records)} records (bound ${rb})`,
    pass: rest.apiCalls <= rb,
  };
}

export function bulkCallTarget(bulk: Measured): Target {
  const bb = bulkCallBound(bulk.records);
  return {
    target: 'Bulk API calls ≤ 10 per 100k records',
    measured: `${bulk.apiCalls} calls for ${fmt(bulk.records)} records (bound ${fmt(bb, 1)})`,
    pass: bulk.apiCalls <= bb,
  };
}

/** The six-stream latency run: against the ideal of issue 3 and, for reference, against the floor and the CPU. */
export function latencyTargets(conn: Measured, floorRun: Measured | undefined, latencyMs: number): Target[] {
  const targets: Target[] = [];
  const perStream = conn.perStream ?? new Map();
  const pages = Math.max(...[...perStream.values()].map((s) => Math.max(1, Math.ceil(s.records / 2000))));
  const idealMs = pages * latencyMs;
  targets.push({
    target: `6 streams with ${latencyMs} ms latency within 1.5 × ideal pipelined paging`,
    measured: `${fmt(conn.wallMs / 1000, 2)} s vs ideal ${pages} pages × ${latencyMs} ms = ${fmt(idealMs / 1000, 2)} s → ${fmt(conn.wallMs / idealMs, 2)} ×`,
    pass: conn.wallMs <= 1.5 * idealMs,
  });
  if (floorRun)
    targets.push({
      target: 'Reference: the floor under the same latency',
      measured: `${fmt(floorRun.wallMs / 1000, 2)} s = ${fmt(floorRun.wallMs / idealMs, 2)} × ideal; connector / floor = ${fmt(conn.wallMs / floorRun.wallMs, 2)} × the time`,
    });
  // The ideal leaves CPU out; on few cores the CPU of program and emulator together bounds the wall time from below.
  const cores = availableParallelism();
  targets.push({
    target: `Reference: CPU lower bound of the connector's latency run on ${cores} cores`,
    measured: `(connector ${fmt(conn.cpuMs / 1000, 1)} s + emulator ${fmt(conn.emulatorCpuMs / 1000, 1)} s CPU) / ${cores} = ${fmt((conn.cpuMs + conn.emulatorCpuMs) / cores / 1000, 2)} s`,
  });
  const allOk = [...perStream.values()].every((s) => s.calls <= restCallBound(s.records));
  const detail = [...perStream].map(([stream, s]) => `${stream} ${s.calls}/${restCallBound(s.records)}`).join(', ');
  targets.push({ target: 'REST backfill API calls per stream in the six-stream run (calls / bound)', measured: detail, pass: allOk });
  return targets;
}

/** Peak RSS of each connector API at the small and the large size, and the largest peak seen in the bench. */
export function memoryTargets(rss: Record<string, Measured[]>, sizes: { rssSmall: number; rssLarge: number }, results: readonly Measured[]): Target[] {
  const targets: Target[] = [];
  for (const program of ['connector REST', 'connector Bulk']) {
    if (!rss[program]) continue;
    const [small, large] = rss[program];
    const growth = large.peakRssKb / small.peakRssKb;
    targets.push({
      target: `Peak RSS ≤ 150 MB and flat (±20 %) from ${fmt(sizes.rssSmall)} to ${fmt(sizes.rssLarge)} records — ${program.replace('connector ', '')}`,
      measured: `${fmt(small.peakRssKb / 1024)} MB → ${fmt(large.peakRssKb / 1024)} MB (× ${fmt(growth, 2)}${rss['floor REST'] ? `; the floor: ${fmt(rss['floor REST'][0].peakRssKb / 1024)} MB at ${fmt(sizes.rssSmall)}` : ''})`,
      pass: large.peakRssKb <= 150 * 1024 && small.peakRssKb <= 150 * 1024 && growth <= 1.2 && growth >= 1 / 1.2,
    });
  }
  const connectorRuns = results.filter((m) => m.program.startsWith('connector'));
  if (!connectorRuns.length) return targets;
  const worst = connectorRuns.reduce((a, b) => (b.peakRssKb > a.peakRssKb ? b : a));
  targets.push({
    target: 'Reference: largest connector peak RSS in this bench',
    measured: `${fmt(worst.peakRssKb / 1024)} MB (${worst.program}, ${worst.scenario})`,
  });
  return targets;
}
