/**
 * Runs the compiled connector as a child process, the way the platform does, and returns its
 * messages sorted by kind. Every stdout line is validated against the protocol schema, and no
 * output (stdout or stderr) may contain the config's client secret or the emulator's tokens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_PATH } from './paths.js';
import { lineProblems } from './protocol-validator.js';

const SESSION_TOKEN = /00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?![\w.]{8,}/;

export type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- protocol messages are checked by the schema validator, tests index them freely

export interface RunInput {
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
  env?: NodeJS.ProcessEnv;
  /** Strings that must appear nowhere in the output (tokens the emulator issued, for instance). */
  secrets?: string[];
  /** Kill the process after this many stdout lines (crash tests). */
  killAfterLines?: number;
}

export interface RunResult {
  exitCode: number | null;
  messages: Message[];
  stderr: string;
  records: Message[];
  states: Message[];
  logs: Message[];
  errors: Message[];
  statuses: Message[];
  estimates: Message[];
  connectionStatus?: Message;
  catalog?: Message;
  spec?: Message;
  recordsOf(stream: string): Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  statusesOf(stream: string): string[];
  lastStateOf(stream: string): Message | undefined;
}

export async function runConnector(command: string, input: RunInput = {}): Promise<RunResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sfrun-'));
  const args = [CLI_PATH, command];
  for (const role of ['config', 'catalog', 'state'] as const) {
    const value = input[role];
    if (value === undefined) continue;
    const file = path.join(dir, `${role}.json`);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    args.push(`--${role}`, file);
  }
  const child = spawn(process.execPath, args, { env: { ...process.env, ...input.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let lines = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (input.killAfterLines !== undefined) {
      lines += chunk.split('\n').length - 1;
      if (lines >= input.killAfterLines) child.kill('SIGKILL');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  const rawLines = stdout.split('\n');
  const complete = input.killAfterLines !== undefined ? rawLines.slice(0, -1) : rawLines.filter(Boolean);
  const messages: Message[] = [];
  const problems: string[] = [];
  for (const line of complete) {
    if (!line) continue;
    const found = lineProblems(line);
    if (found.length) problems.push(`${found.join('; ')} <- ${line.slice(0, 300)}`);
    else messages.push(JSON.parse(line));
  }
  if (problems.length) throw new Error(`connector printed invalid protocol lines:\n${problems.join('\n')}\nstderr: ${stderr}`);

  const secretsToHide = [...(input.secrets ?? [])];
  const configSecret = (input.config as { client_secret?: unknown } | undefined)?.client_secret;
  if (typeof configSecret === 'string' && configSecret.length >= 4) secretsToHide.push(configSecret);
  const nonRecordOutput = messages.filter((m) => m.type !== 'RECORD').map((m) => JSON.stringify(m)).join('\n') + stderr;
  for (const secret of secretsToHide) {
    if (nonRecordOutput.includes(secret)) throw new Error(`connector output leaked a secret (${secret.slice(0, 3)}…)`);
  }
  // Salesforce access tokens start with the 15- or 18-character org Id and '!'.
  if (SESSION_TOKEN.test(nonRecordOutput)) throw new Error('connector output leaked an access token');

  const ofType = (type: string) => messages.filter((m) => m.type === type);
  const traces = ofType('TRACE');
  return {
    exitCode,
    messages,
    stderr,
    records: ofType('RECORD'),
    states: ofType('STATE'),
    logs: ofType('LOG'),
    errors: traces.filter((m) => m.trace.type === 'ERROR'),
    statuses: traces.filter((m) => m.trace.type === 'STREAM_STATUS'),
    estimates: traces.filter((m) => m.trace.type === 'ESTIMATE'),
    connectionStatus: ofType('CONNECTION_STATUS')[0],
    catalog: ofType('CATALOG')[0],
    spec: ofType('SPEC')[0],
    recordsOf: (stream) => ofType('RECORD').filter((m) => m.record.stream === stream).map((m) => m.record.data),
    statusesOf: (stream) =>
      traces.filter((m) => m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === stream).map((m) => m.trace.stream_status.status),
    lastStateOf: (stream) => ofType('STATE').filter((m) => m.state.stream.stream_descriptor.name === stream).at(-1),
  };
}

/** A configured catalog that reads the given discovered streams in one sync mode. */
export function configuredCatalog(catalog: Message, syncMode: 'full_refresh' | 'incremental', only?: string[]): Message {
  return {
    streams: catalog.catalog.streams
      .filter((s: Message) => !only || only.includes(s.name))
      .map((stream: Message) => ({
        stream,
        sync_mode: syncMode,
        destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite',
        ...(syncMode === 'incremental' ? { cursor_field: ['SystemModstamp'], primary_key: [['Id']] } : {}),
      })),
  };
}

/** The `--state` file content that resumes from the given STATE messages (last one per stream wins). */
export function stateFrom(states: Message[]): Message[] {
  const latest = new Map<string, Message>();
  for (const s of states) latest.set(s.state.stream.stream_descriptor.name, s.state);
  return [...latest.values()];
}

export const idsOf = (records: Record<string, unknown>[]): string[] => records.map((r) => String(r.Id));
