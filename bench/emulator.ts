/**
 * The emulator in its own process (dist/integration_tests/emulator/main.js), so its CPU and memory
 * never mix with those of the program being measured. Also: the org's metered API usage (GET
 * /limits) before and after a run, and the emulator's own CPU time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { cpuMsOf } from './measure.js';

export interface EmulatorInfo {
  url: string;
  hostname: string;
  clientId: string;
  clientSecret: string;
}

export interface EmulatorProcessOptions {
  seed: number;
  counts: Record<string, number>;
  latencyMs?: number;
  /** every Description this many characters long (records of tens of KB) */
  longTextChars?: number;
  /** status polls that answer InProgress before a Bulk job completes */
  bulkPolls?: number;
  /** a wide-area link in front of the org: bytes per second per connection, round trip */
  link?: { bytesPerSecond: number; rttMs: number };
  /** false: the org never compresses its answers */
  gzip?: boolean;
  /** rows of each Bulk result page */
  bulkResultPageRows?: number;
}

/** What a reader needs to rerun a scenario: the emulator's settings in words. */
export function describeSettings(options: Omit<EmulatorProcessOptions, 'seed' | 'counts'>): string {
  const parts = [options.gzip === false ? 'no gzip' : 'gzip', `${options.latencyMs ?? 0} ms latency`, 'REST pages ≤ 2,000 records'];
  if (options.link) parts.push(`a link of ${options.link.bytesPerSecond / 1e6} MB/s per connection and ${options.link.rttMs} ms round trip`);
  if (options.bulkResultPageRows) parts.push(`Bulk result pages of ${options.bulkResultPageRows.toLocaleString('en-US')} rows`);
  parts.push(options.longTextChars ? `Description ${options.longTextChars.toLocaleString('en-US')} chars` : 'short Descriptions');
  if (options.bulkPolls) parts.push(`Bulk job done at poll ${options.bulkPolls + 1}`);
  return parts.join(', ');
}

export const DATA = '/services/data/v62.0';

export class EmulatorProcess {
  private token?: string;

  private constructor(
    readonly info: EmulatorInfo,
    private readonly child: ChildProcess,
    readonly startupMs: number,
  ) {}

  static async start(mainJs: string, options: EmulatorProcessOptions): Promise<EmulatorProcess> {
    const counts = Object.entries(options.counts)
      .map(([object, n]) => `${object}=${n}`)
      .join(',');
    const args = [mainJs, '--port', '0', '--seed', String(options.seed), '--counts', counts];
    if (options.latencyMs) args.push('--latency-ms', String(options.latencyMs));
    if (options.longTextChars) args.push('--long-text-chars', String(options.longTextChars));
    if (options.bulkPolls) args.push('--bulk-polls', String(options.bulkPolls));
    if (options.link) args.push('--link-bytes-per-second', String(options.link.bytesPerSecond), '--link-rtt-ms', String(options.link.rttMs));
    if (options.gzip === false) args.push('--no-gzip');
    if (options.bulkResultPageRows) args.push('--bulk-result-page-rows', String(options.bulkResultPageRows));
    const started = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    const first = await Promise.race([
      once(lines, 'line').then(([line]) => line as string),
      once(child, 'exit').then(() => {
        throw new Error(`emulator exited before it was ready: ${stderr.trim()}`);
      }),
    ]);
    lines.close();
    child.stdout!.resume();
    return new EmulatorProcess(JSON.parse(first) as EmulatorInfo, child, Date.now() - started);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The emulator's CPU time so far (ms). */
  cpuMs(): number {
    return cpuMsOf(this.pid) ?? 0;
  }

  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.info.clientId, client_secret: this.info.clientSecret });
    const res = await fetch(`${this.info.url}/services/oauth2/token`, { method: 'POST', body: form });
    if (!res.ok) throw new Error(`emulator token: HTTP ${res.status}`);
    this.token = ((await res.json()) as { access_token: string }).access_token;
    return this.token;
  }

  async getJson<T>(path: string): Promise<T> {
    const res = await fetch(`${this.info.url}${path}`, { headers: { authorization: `Bearer ${await this.accessToken()}` } });
    if (!res.ok) throw new Error(`emulator GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /** Bytes the emulator's link has carried to clients so far (0 without a link). */
  async linkBytes(): Promise<number> {
    const res = await fetch(`${this.info.url}/__emulator/link`);
    if (!res.ok) throw new Error(`emulator link figures: HTTP ${res.status}`);
    return ((await res.json()) as { bytesToClients: number }).bytesToClients;
  }

  /** Metered calls so far, this /limits call excluded. */
  async apiUsage(): Promise<number> {
    const limits = await this.getJson<{ DailyApiRequests: { Max: number; Remaining: number } }>(`${DATA}/limits`);
    return limits.DailyApiRequests.Max - limits.DailyApiRequests.Remaining - 1;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }
}
