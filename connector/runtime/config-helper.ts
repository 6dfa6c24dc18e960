/**
 * `source-salesforce config --config FILE`: a helper for people, outside the Airbyte protocol. When
 * a command rotates a credential (a refresh token), its output holds a CONTROL message with the
 * whole config the next command needs, and the old one no longer works. This reads that output on
 * standard input and saves the config of its newest CONTROL message as FILE, replaced whole and
 * readable by its owner only (private-file.ts). Output without one leaves FILE as it was: the
 * config it holds is still the one to use (a FILE that does not exist is a mistyped path, and an
 * error). Talks to people on stderr in sentences.
 */
import { access } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { pathProblem } from './json-file.js';
import { replacePrivateFile } from './private-file.js';
import { counted, readMessages, type LineCount } from './protocol-lines.js';

export interface ConfigHelperIo {
  stdin: Readable & { isTTY?: boolean };
  stderr: Writable;
}

const HOW = "use: source-salesforce config --config FILE (a command's output on standard input)";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The config a CONTROL CONNECTOR_CONFIG message carries; undefined for any other message. */
export function controlConfig(message: unknown): Json | undefined {
  if (!isObject(message) || message.type !== 'CONTROL' || !isObject(message.control)) return undefined;
  const { type, connectorConfig } = message.control;
  if (type !== 'CONNECTOR_CONFIG' || !isObject(connectorConfig) || !isObject(connectorConfig.config)) return undefined;
  return connectorConfig.config;
}

/** Runs the helper; resolves with the exit code (0 done or nothing to do, 1 a failure, 2 a wrong command line). */
export async function runConfigHelper(argv: readonly string[], io: ConfigHelperIo): Promise<number> {
  const say = (sentence: string) => io.stderr.write(`source-salesforce config: ${sentence}\n`);
  const file = configArgument(argv);
  if (file instanceof Error) {
    say(`${file.message}; ${HOW}.`);
    return 2;
  }
  if (io.stdin.isTTY) {
    say(`nothing is piped in; ${HOW}.`);
    return 2;
  }
  let newest: Json | undefined;
  let count: LineCount;
  try {
    count = await readMessages(io.stdin, (message) => {
      const config = controlConfig(message);
      if (config) newest = config;
    });
  } catch (error) {
    say(`cannot read standard input (${(error as NodeJS.ErrnoException).code ?? String(error)}); ${file} is left as it was.`);
    return 1;
  }
  const { lines, skipped } = count;
  if (skipped > 0) say(`skipped ${skipped} of ${lines} lines that are not JSON (a command stopped mid-line leaves one).`);
  if (!newest) {
    const missing = await access(file).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (missing) {
      // "left as it was" would send a mistyped path on to the next command.
      say(
        `no CONTROL message with a config in standard input (${counted(lines, 'line')}), and ${file} ${pathProblem(missing)}: name the config file the command ran with.`,
      );
      return 1;
    }
    say(`no CONTROL message with a config in standard input (${counted(lines, 'line')}), so ${file} is left as it was: it is still the config to use.`);
    return 0;
  }
  try {
    await replacePrivateFile(file, JSON.stringify(newest, null, 2) + '\n');
  } catch (error) {
    say(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); it is left as it was.`);
    return 1;
  }
  say(`saved the config of the newest CONTROL message as ${file} (readable by you only).`);
  return 0;
}

/** The file named by `--config FILE` or `--config=FILE`. */
function configArgument(argv: readonly string[]): string | Error {
  const [first, ...rest] = argv;
  if (first === undefined) return new Error('--config FILE is missing');
  const inline = /^--config=(.*)$/s.exec(first);
  if (!inline && first !== '--config') return new Error(`unknown argument '${first}'`);
  const value = inline ? inline[1] : rest.shift();
  if (!value) return new Error('--config needs a file path');
  if (rest.length > 0) return new Error(`unknown argument '${rest[0]}'`);
  return value;
}
