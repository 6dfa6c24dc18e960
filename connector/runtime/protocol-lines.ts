/**
 * Reads a protocol output (a read's stdout saved to a file or piped in) one line at a time, for the
 * helpers people run on it. Streaming matters: the output of a large sync is hundreds of megabytes,
 * more than the connector's heap. A line that is not JSON (a read stopped mid-line leaves one) is
 * counted and skipped.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface LineCount {
  /** non-blank lines read */
  lines: number;
  /** of those, lines that are not JSON */
  skipped: number;
}

/** "1 line", "2 lines": the helpers' counts, read by people. */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Hands each JSON line of `input` to `take`, in order. */
export async function readMessages(input: Readable, take: (message: unknown) => void): Promise<LineCount> {
  const count: LineCount = { lines: 0, skipped: 0 };
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    count.lines++;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      count.skipped++;
      continue;
    }
    take(message);
  }
  return count;
}
