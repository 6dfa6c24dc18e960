/**
 * The input files of the runs a process makes, in one folder for the whole process: a folder per run
 * cost a mkdtemp and an rmdir on every run (the rmdir alone most of a millisecond). Each run's files
 * carry its own number and are removed when it ends; the folder goes when the process exits. Loaded
 * natively (see native.ts), so every suite a Jest worker runs shares the folder and the count.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type InputRole = 'config' | 'catalog' | 'state';

export interface RunFiles {
  /** `--config <file>` and the like, for the roles given */
  argv: string[];
  remove(): void;
}

let folder: string | undefined;
let runs = 0;

function runFolder(): string {
  if (folder === undefined) {
    const made = mkdtempSync(path.join(tmpdir(), 'sfrun-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    folder = made;
  }
  return folder;
}

/** Writes each given input (a string as is, anything else as JSON) to a file of this run's own. */
export function writeRunFiles(inputs: Partial<Record<InputRole, unknown>>): RunFiles {
  const run = ++runs;
  const files: string[] = [];
  const argv: string[] = [];
  for (const role of ['config', 'catalog', 'state'] as const) {
    const value = inputs[role];
    if (value === undefined) continue;
    const file = path.join(runFolder(), `${run}-${role}.json`);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    files.push(file);
    argv.push(`--${role}`, file);
  }
  return { argv, remove: () => files.forEach((file) => unlinkSync(file)) };
}
