/**
 * `source-salesforce state [--from FILE]`: a helper for people, outside the Airbyte protocol. It
 * reads a read's output (FILE, or standard input) a line at a time, keeps the last STATE of each
 * stream, and prints them as the JSON array `--state` takes. Streaming matters: the output of a
 * large sync is hundreds of megabytes, more than the connector's heap, and more than a one-liner
 * that reads the whole file can hold. Talks to people on stderr in sentences; stdout holds only
 * the array, so `> state.json` is always the state or nothing.
 */
import { createReadStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pathProblem } from './json-file.js';
import { LatestStates } from './latest-states.js';
import { counted, readMessages, type LineCount } from './protocol-lines.js';

export interface HelperStreams {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

const HOW = "use: source-salesforce state [--from FILE] (a read's output as FILE or on standard input)";

/** Runs the helper; resolves with the exit code (0 done, 1 nothing usable found, 2 a wrong command line). */
export async function runStateHelper(argv: readonly string[], io: HelperStreams): Promise<number> {
  const say = (sentence: string) => io.stderr.write(`source-salesforce state: ${sentence}\n`);
  const from = fromArgument(argv);
  if (from instanceof Error) {
    say(`${from.message}; ${HOW}.`);
    return 2;
  }
  if (from === undefined && io.stdin.isTTY) {
    say(`nothing is piped in; ${HOW}.`);
    return 2;
  }
  const source = from ?? 'standard input';
  const latest = new LatestStates();
  let count: LineCount;
  try {
    const input = from === undefined ? io.stdin : createReadStream(from, { encoding: 'utf8' });
    count = await readMessages(input, (message) => latest.add(message));
  } catch (error) {
    say(`${source} ${pathProblem(error)}; ${HOW}.`);
    return 1;
  }
  const { lines, skipped } = count;
  if (skipped > 0) say(`skipped ${skipped} of ${lines} lines that are not JSON (a read stopped mid-line leaves one).`);
  if (latest.size === 0) {
    say(
      `no STATE message in ${source} (${counted(lines, 'line')}); pass the output of a read that delivered at least one page, or run the next read without --state.`,
    );
    return 1;
  }
  await new Promise<void>((resolve, reject) => io.stdout.write(JSON.stringify(latest.states()) + '\n', (error) => (error ? reject(error) : resolve())));
  say(`kept the last STATE of ${counted(latest.size, 'stream')} out of ${counted(lines, 'line')} of ${source}.`);
  return 0;
}

/** The file named by `--from FILE` or `--from=FILE`; undefined for standard input. */
function fromArgument(argv: readonly string[]): string | undefined | Error {
  const [first, ...rest] = argv;
  if (first === undefined) return undefined;
  const inline = /^--from=(.*)$/s.exec(first);
  if (!inline && first !== '--from') return new Error(`unknown argument '${first}'`);
  const value = inline ? inline[1] : rest.shift();
  if (!value) return new Error('--from needs a file path');
  if (rest.length > 0) return new Error(`unknown argument '${rest[0]}'`);
  return value;
}
