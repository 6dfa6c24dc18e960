/**
 * What the connector prints for records a reader gave: the protocol writer's own RECORD lines,
 * each checked to be UTF-8 and a valid Airbyte message, and read back as the data a destination
 * gets. Numbers are kept apart from their JSON spelling by `canonical`, which tells -0 from 0 and
 * keeps member order, so two readers agree only if a destination could not tell them apart.
 */
import { isUtf8 } from 'node:buffer';
import { Writable } from 'node:stream';
import { ProtocolWriter } from '../../connector/runtime/writer.js';
import { lineProblems } from '../helpers/protocol-validator.js';

class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
}

/** The RECORD lines for `records`; throws naming the first line that is not UTF-8 or not a valid RECORD. */
export async function recordLines(records: readonly object[]): Promise<unknown[]> {
  const out = new Collect();
  await new ProtocolWriter(out).writeRecords('Account', records, 1);
  const bytes = Buffer.concat(out.chunks);
  const data: unknown[] = [];
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end >= 0; start = end + 1, end = bytes.indexOf(0x0a, start)) {
    const line = bytes.subarray(start, end);
    if (!isUtf8(line)) throw new Error(`a RECORD line that is not UTF-8: ${line.toString('latin1').slice(0, 300)}`);
    const text = line.toString('utf8');
    const problems = lineProblems(text);
    if (problems.length) throw new Error(`an invalid RECORD line (${problems.join('; ')}): ${text.slice(0, 300)}`);
    data.push((JSON.parse(text) as { record: { data: unknown } }).record.data);
  }
  if (start !== bytes.length) throw new Error('output that does not end with a line end');
  return data;
}

/** A JSON value spelt one way only: -0 apart from 0, members in their order. */
export function canonical(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
