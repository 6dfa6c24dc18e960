/**
 * Runs the connector's container image the way the platform does (`<engine> run --rm IMAGE cmd
 * --config /secrets/config.json`), with the JSON files mounted read-only, and checks every stdout
 * line against the protocol schema like helpers/connector-runner.ts does for the local CLI.
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lineProblems } from '../helpers/protocol-validator.js';

export type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- validated against the protocol schema before use

export const ENGINE = process.env.CONTAINER_ENGINE || 'podman';
export const IMAGE = process.env.CONNECTOR_IMAGE || 'localhost/source-salesforce:dev';
/** Extra `run` flags the base-image script asked for (here: --network host so the emulator is reachable). */
export const RUN_FLAGS = (process.env.CONTAINER_RUN_FLAGS || '--network host').split(/\s+/).filter(Boolean);

export interface ContainerRunInput {
  config?: unknown;
  catalog?: unknown;
  state?: unknown;
  /** A host file mounted as /secrets/ca.pem and trusted through NODE_EXTRA_CA_CERTS. */
  caFile?: string;
  /** Strings that must not appear in any non-record output. */
  secrets?: string[];
}

export interface ContainerRunResult {
  exitCode: number | null;
  messages: Message[];
  stderr: string;
  ofType(type: string): Message[];
  errors: Message[];
}

const mounts: string[] = [];

/** Removes every directory this module mounted into a container. */
export function cleanupMounts(): void {
  for (const dir of mounts.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function engine(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(ENGINE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function runInContainer(command: string, input: ContainerRunInput = {}): Promise<ContainerRunResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-container-'));
  mounts.push(dir);
  // The image runs as an unprivileged user: the mounted files must be readable by anyone.
  chmodSync(dir, 0o755);
  const args: string[] = [];
  for (const role of ['config', 'catalog', 'state'] as const) {
    if (input[role] === undefined) continue;
    const file = path.join(dir, `${role}.json`);
    writeFileSync(file, JSON.stringify(input[role]));
    chmodSync(file, 0o644); // a mode given to writeFileSync would be cut by the umask (077 leaves it private)
    args.push(`--${role}`, `/secrets/${role}.json`);
  }
  const env: string[] = [];
  if (input.caFile) {
    copyFileSync(input.caFile, path.join(dir, 'ca.pem'));
    chmodSync(path.join(dir, 'ca.pem'), 0o644);
    env.push('-e', 'NODE_EXTRA_CA_CERTS=/secrets/ca.pem');
  }
  const result = await engine(['run', '--rm', ...RUN_FLAGS, '-v', `${dir}:/secrets:ro`, ...env, IMAGE, command, ...args]);

  const messages: Message[] = [];
  const problems: string[] = [];
  for (const line of result.stdout.split('\n')) {
    if (!line) continue;
    const found = lineProblems(line);
    if (found.length) problems.push(`${found.join('; ')} <- ${line.slice(0, 300)}`);
    else messages.push(JSON.parse(line));
  }
  if (problems.length) throw new Error(`the container printed invalid protocol lines:\n${problems.join('\n')}\nstderr: ${result.stderr}`);

  const given = input.config as { client_secret?: unknown; credentials?: { client_secret?: unknown } } | undefined;
  const secret = given?.credentials?.client_secret ?? given?.client_secret;
  const hidden = [...(input.secrets ?? []), ...(typeof secret === 'string' && secret.length >= 4 ? [secret] : [])];
  const visible =
    messages
      .filter((m) => m.type !== 'RECORD')
      .map((m) => JSON.stringify(m))
      .join('\n') + result.stderr;
  for (const s of hidden) if (visible.includes(s)) throw new Error(`the container output leaked a secret (${s.slice(0, 3)}…)`);

  const ofType = (type: string) => messages.filter((m) => m.type === type);
  return {
    exitCode: result.code,
    messages,
    stderr: result.stderr,
    ofType,
    errors: ofType('TRACE').filter((m) => m.trace.type === 'ERROR'),
  };
}
