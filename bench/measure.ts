/**
 * Running one measured child process: stdout piped into a counting sink (bytes, RECORD lines, and
 * every other line kept whole), peak RSS read from /proc/<pid>/status (VmHWM) and CPU time from
 * /proc/<pid>/stat, sampled while it runs.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunResult {
  wallMs: number;
  exitCode: number | null;
  stdoutBytes: number;
  recordLines: number;
  /** non-RECORD lines of stdout (LOG, STATE, TRACE …), whole */
  otherLines: string[];
  stderr: string;
  /** kB, VmHWM: the process's peak resident set */
  peakRssKb: number;
  /** user + system CPU time, ms */
  cpuMs: number;
}

const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux
const SAMPLE_MS = 20;
const RECORD_HEAD = Buffer.from('{"type":"RECORD"');

/** user+system CPU ms of a live process, or undefined once it is gone. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS; // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}

/** VmHWM in kB, or undefined once the process is gone (a zombie has no memory lines). */
export function peakRssKbOf(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Counts lines of Airbyte messages as they stream by, keeping only the non-RECORD ones. */
class LineSink {
  bytes = 0;
  records = 0;
  readonly others: string[] = [];
  private parts: Buffer[] = [];
  private headLength = 0;
  private decided = false;
  private isRecord = false;

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.decided && this.headLength === 0 && end - pos >= RECORD_HEAD.length) {
        // fast path: the whole head of the line is in this chunk
        this.decided = true;
        this.isRecord = chunk.compare(RECORD_HEAD, 0, RECORD_HEAD.length, pos, pos + RECORD_HEAD.length) === 0;
      }
      if (!this.decided || !this.isRecord) {
        const piece = chunk.subarray(pos, end);
        this.parts.push(piece);
        if (!this.decided) {
          this.headLength += piece.length;
          if (this.headLength >= RECORD_HEAD.length || nl !== -1) {
            const head = Buffer.concat(this.parts).subarray(0, RECORD_HEAD.length);
            this.decided = true;
            this.isRecord = head.equals(RECORD_HEAD);
          }
        }
      }
      if (nl === -1) return;
      if (this.isRecord) this.records++;
      else this.others.push(Buffer.concat(this.parts).toString('utf8'));
      this.parts = [];
      this.headLength = 0;
      this.decided = false;
      this.isRecord = false;
      pos = nl + 1;
    }
  }
}

export function runMeasured(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const sink = new LineSink();
    const stderr: Buffer[] = [];
    let stderrBytes = 0;
    let peakRssKb = 0;
    let cpuMs = 0;
    const sample = () => {
      if (!child.pid) return;
      peakRssKb = Math.max(peakRssKb, peakRssKbOf(child.pid) ?? 0);
      cpuMs = Math.max(cpuMs, cpuMsOf(child.pid) ?? 0);
    };
    const timer = setInterval(sample, SAMPLE_MS);
    child.stdout.on('data', (chunk: Buffer) => sink.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes < 1 << 20) stderr.push(chunk);
      stderrBytes += chunk.length;
    });
    child.on('exit', () => sample()); // still readable until reaped? best effort
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({
        wallMs: Number(process.hrtime.bigint() - started) / 1e6,
        exitCode: code,
        stdoutBytes: sink.bytes,
        recordLines: sink.records,
        otherLines: sink.others,
        stderr: Buffer.concat(stderr).toString('utf8'),
        peakRssKb,
        cpuMs,
      });
    });
  });
}

/** Per-stream records and API calls from the connector's last LOG line ("Read finished …"). */
export function parseFinalLog(lines: string[]): Map<string, { records: number; calls: number }> {
  const out = new Map<string, { records: number; calls: number }>();
  const final = lines.filter((l) => l.includes('Read finished')).at(-1);
  if (!final) return out;
  const message = (JSON.parse(final) as { log: { message: string } }).log.message;
  for (const m of message.matchAll(/(\w+) (\d+|-) records\/(\d+) calls/g)) out.set(m[1], { records: Number(m[2]) || 0, calls: Number(m[3]) });
  return out;
}

/** The connector's final log line: at most how many MiB of answers were in flight, and the budget. */
export function parseInFlight(lines: string[]): { peakMiB: number; budgetMiB: number } | undefined {
  const final = lines.filter((l) => l.includes('Read finished')).at(-1);
  const m = final && /at most ([\d.]+) MiB of answers in flight \(budget ([\d.]+) MiB\)/.exec(final);
  return m ? { peakMiB: Number(m[1]), budgetMiB: Number(m[2]) } : undefined;
}

export const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
