/**
 * Runs the connector on one protocol command, with its inputs written to files as the platform
 * does, and returns its messages sorted by kind (see run-result.ts for the checks every run gets).
 *
 * runConnector runs it in this process through main() (loaded natively, see native.ts), over real
 * HTTP to the emulator: a process per run made the end-to-end suites several times slower.
 * runConnectorProcess runs the compiled CLI as a child process, for what only a process shows: the
 * binary's exit code and stderr, the environment it reads, signals and kills.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Settings } from '../../connector/salesforce/settings.js';
import { nativeImport } from './native.js';
import { CLI_PATH } from './paths.js';
import type { Message, Output, RunResult } from './run-result.js';

export type { Message, RunResult } from './run-result.js';

const { main } = nativeImport<typeof import('../../connector/main.js')>(new URL('../../connector/main.js', import.meta.url));
const { ProtocolWriter } = nativeImport<typeof import('../../connector/runtime/writer.js')>(new URL('../../connector/runtime/writer.js', import.meta.url));
// The runners' own per-line work (collecting output, checking each line) runs natively too: in Jest's
// context it cost a few seconds of CPU over the in-process lane.
const { MemoryOutput } = nativeImport<typeof import('./memory-output.js')>(new URL('./memory-output.js', import.meta.url));
const { resultFromOutput } = nativeImport<typeof import('./run-result.js')>(new URL('./run-result.js', import.meta.url));
const { writeRunFiles } = nativeImport<typeof import('./run-files.js')>(new URL('./run-files.js', import.meta.url));
const { settingsFromEnv } = nativeImport<typeof import('../../connector/salesforce/settings.js')>(
  new URL('../../connector/salesforce/settings.js', import.meta.url),
);

export interface RunInput {
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
  /** The environment a process would get on top of ours; in-process, its settings variables and NODE_EXTRA_CA_CERTS. */
  env?: NodeJS.ProcessEnv;
  /** Strings that must appear nowhere in the output (tokens the emulator issued, for instance). */
  secrets?: string[];
  /**
   * A reader that takes each write on a later turn of the event loop, as a pipe to a busy platform
   * does: the connector then waits for 'drain', and a buffer it used again before a write was taken
   * would show in the output. A function: each write is taken once the promise it returns resolves.
   */
  slowReader?: boolean | number | (() => Promise<void>);
}

export interface ProcessRunInput extends RunInput {
  /** Kill the process after this many stdout lines (crash tests). */
  killAfterLines?: number;
}

export async function runConnector(command: string, input: RunInput = {}): Promise<RunResult> {
  return withInputFiles(command, input, async (argv) => {
    const stdout = new MemoryOutput(input.slowReader);
    const exitCode = await main(argv, new ProtocolWriter(stdout), settingsFor(input.env));
    return { exitCode, lines: stdout.lines(), stderr: '', killed: false };
  });
}

/** Runs main() in-process on a command line as it is given (wrong ones included), with no input files. */
export async function runCommandLine(argv: string[], input: Pick<RunInput, 'env' | 'secrets'> = {}): Promise<RunResult> {
  const stdout = new MemoryOutput();
  const exitCode = await main(argv, new ProtocolWriter(stdout), settingsFor(input.env));
  return resultFromOutput({ exitCode, lines: stdout.lines(), stderr: '', killed: false }, input.secrets ?? []);
}

export async function runConnectorProcess(command: string, input: ProcessRunInput = {}): Promise<RunResult> {
  return withInputFiles(command, input, async (argv) => {
    const child = spawn(process.execPath, [CLI_PATH, ...argv], { env: { ...process.env, ...input.env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    return { exitCode, lines: stdout.split('\n'), stderr, killed: input.killAfterLines !== undefined };
  });
}

/** Writes config, catalog and state to files, runs the command line that names them, checks what it printed, and removes the files. */
async function withInputFiles(command: string, input: RunInput, run: (argv: string[]) => Promise<Output>): Promise<RunResult> {
  const files = writeRunFiles(input);
  try {
    return resultFromOutput(await run([command, ...files.argv]), secretsOf(input));
  } finally {
    files.remove();
  }
}

/** Every secret the config holds (the private key line by line too), plus the ones the test names. */
function secretsOf(input: RunInput): string[] {
  const given = (input.config ?? {}) as Record<string, unknown>;
  // The login fields sit in `credentials`, or at the top level of a flat config.
  const config = { ...given, ...(typeof given.credentials === 'object' ? (given.credentials as Record<string, unknown>) : {}) };
  const found = ['client_secret', 'refresh_token', 'private_key'].map((key) => config[key]).filter((v): v is string => typeof v === 'string');
  const keyLines =
    typeof config.private_key === 'string' ? config.private_key.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----')) : [];
  return [...(input.secrets ?? []), ...found, ...keyLines].filter((secret) => secret.length >= 4);
}

/** What cli.ts would make of `env`, plus the CA file a process would trust through NODE_EXTRA_CA_CERTS. */
function settingsFor(env: NodeJS.ProcessEnv = {}): Partial<Settings> {
  const caFile = env.NODE_EXTRA_CA_CERTS;
  return { ...settingsFromEnv(env), ...(caFile ? { extraCa: readFileSync(caFile, 'utf8') } : {}) };
}

/** A configured catalog that reads the given discovered streams in one sync mode. */
export function configuredCatalog(catalog: Message, syncMode: 'full_refresh' | 'incremental', only?: string[]): Message {
  return {
    streams: catalog.catalog.streams
      .filter((s: Message) => !only || only.includes(s.name))
      .map((stream: Message) => {
        // A stream offering full refresh only (no cursor) stays in full refresh in an incremental catalog.
        const incremental = syncMode === 'incremental' && stream.supported_sync_modes.includes('incremental');
        return {
          stream,
          sync_mode: incremental ? 'incremental' : 'full_refresh',
          destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
          ...(incremental ? { cursor_field: stream.default_cursor_field, primary_key: stream.source_defined_primary_key } : {}),
        };
      }),
  };
}

/**
 * A configured catalog whose streams select only `fields` (those each stream has): for tests whose
 * point is what arrives and when, not how each field is typed, where every field costs CPU.
 */
export function withFields(configured: Message, fields: readonly string[]): Message {
  return {
    streams: configured.streams.map((entry: Message) => {
      const properties = Object.entries(entry.stream.json_schema.properties).filter(([name]) => fields.includes(name));
      return { ...entry, stream: { ...entry.stream, json_schema: { ...entry.stream.json_schema, properties: Object.fromEntries(properties) } } };
    }),
  };
}

/** The `--state` file content that resumes from the given STATE messages (last one per stream wins). */
export function stateFrom(states: Message[]): Message[] {
  const latest = new Map<string, Message>();
  for (const s of states) latest.set(s.state.stream.stream_descriptor.name, s.state);
  return [...latest.values()];
}

export const idsOf = (records: Record<string, unknown>[]): string[] => records.map((r) => String(r.Id));
