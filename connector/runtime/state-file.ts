/**
 * Reads the --state file. A file holding one JSON document (what the platform passes: an array of
 * state messages, or any other form input-state.ts understands, a single STATE message included)
 * is taken as it is. A file of JSON lines (a read's output, whole or cut down to its STATE lines)
 * counts the last STATE of each stream and ignores every other message, so an operator can resume
 * from what a read printed without preparing it. The file is read a line at a time: a read output
 * of hundreds of megabytes must fit the connector's 256 MB heap.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ConfigError } from './errors.js';
import { readJsonFile, unreadableFileError } from './json-file.js';
import { LatestStates } from './latest-states.js';
import { parseStateInput, type StreamStates } from './input-state.js';

export interface LoadedState {
  states: StreamStates;
  /** Says how many lines of a JSON-lines file were skipped as not JSON (a read killed mid-line leaves one). */
  warning?: string;
}

type Scan =
  | { kind: 'document' } // the first line is no JSON value by itself: a pretty-printed document
  | { kind: 'single'; value: unknown }
  | { kind: 'lines'; latest: LatestStates; lines: number; skipped: number };

/** `known`: as parseStateInput takes it. */
export async function loadStateFile(path: string, known: readonly string[] | undefined): Promise<LoadedState> {
  const scan = await scanLines(path);
  if (scan.kind === 'document') return { states: parseStateInput(await readJsonFile(path, 'state'), path, known) };
  if (scan.kind === 'single') return { states: parseStateInput(scan.value, path, known) };
  if (scan.latest.size === 0) {
    throw new ConfigError(
      `The state file ${path} holds ${scan.lines} lines of JSON but no STATE message; pass the output of an earlier read (or the array the state helper prints from it), or no --state to start over.`,
    );
  }
  const states = parseStateInput(scan.latest.states(), path, known);
  if (scan.skipped === 0) return { states };
  const lines = scan.skipped === 1 ? '1 line' : `${scan.skipped} lines`;
  return {
    states,
    warning: `Skipped ${lines} of the state file ${path} that ${scan.skipped === 1 ? 'is' : 'are'} not JSON (a read stopped mid-line leaves one).`,
  };
}

async function scanLines(path: string): Promise<Scan> {
  const handle = await open(path).catch((error: unknown) => {
    throw unreadableFileError(path, 'state', error);
  });
  const input = handle.createReadStream({ encoding: 'utf8' });
  const latest = new LatestStates();
  let first: unknown;
  let lines = 0;
  let skipped = 0;
  try {
    for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
      // Editors on Windows save a byte-order mark that JSON.parse refuses and the operator cannot see.
      const line = (lines === 0 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (!line) continue;
      lines++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        if (lines === 1) return { kind: 'document' };
        skipped++;
        continue;
      }
      if (lines === 1) first = value;
      else {
        if (lines === 2) latest.add(first);
        latest.add(value);
      }
    }
  } catch (error) {
    throw unreadableFileError(path, 'state', error);
  } finally {
    input.destroy();
  }
  if (lines === 0) throw new ConfigError(`The state file ${path} is empty; pass the state printed by an earlier read, or no --state to start over.`);
  return lines === 1 ? { kind: 'single', value: first } : { kind: 'lines', latest, lines, skipped };
}
