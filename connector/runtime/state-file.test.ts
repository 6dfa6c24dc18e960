import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadStateFile } from './state-file.js';

// The streams a source offers, as the runtime is told them.
const SIX = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'];

const dir = mkdtempSync(path.join(tmpdir(), 'state-file-'));
let files = 0;
function file(text: string): string {
  const name = path.join(dir, `state-${++files}.json`);
  writeFileSync(name, text);
  return name;
}

const cursor = (stamp: string) => ({ SystemModstamp: stamp });
const state = (name: string, stamp: string) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: cursor(stamp) } });
const line = (message: unknown) => JSON.stringify(message);

describe('loadStateFile', () => {
  it('reads the array the platform passes, also pretty-printed and with a byte-order mark', async () => {
    const array = [state('Account', '2024-01-01T00:00:00.000Z')];
    for (const text of [line(array), JSON.stringify(array, null, 2), `\uFEFF${JSON.stringify(array, null, 2)}`]) {
      const loaded = await loadStateFile(file(text), SIX);
      expect(loaded).toEqual({ states: new Map([['Account', cursor('2024-01-01T00:00:00.000Z')]]) });
    }
  });

  it('reads a single STATE line', async () => {
    const loaded = await loadStateFile(file(line({ type: 'STATE', state: state('Lead', '2024-03-01T00:00:00.000Z') }) + '\n'), SIX);
    expect(loaded.states).toEqual(new Map([['Lead', cursor('2024-03-01T00:00:00.000Z')]]));
  });

  it("reads a read's output: the last STATE of each stream counts, other messages and a cut-off last line are skipped", async () => {
    const output = [
      line({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: 'Account' }, status: 'STARTED' } } }),
      line({ type: 'RECORD', record: { stream: 'Account', emitted_at: 1, data: { Id: '1' } } }),
      line({ type: 'STATE', state: state('Account', '2024-01-01T00:00:00.000Z') }),
      line({ type: 'STATE', state: state('Contact', '2024-01-05T00:00:00.000Z') }),
      '',
      line({ type: 'RECORD', record: { stream: 'Account', emitted_at: 1, data: { Id: '2' } } }),
      line({ type: 'STATE', state: state('Account', '2024-02-01T00:00:00.000Z') }),
      line({ type: 'LOG', log: { level: 'INFO', message: 'done' } }),
      '{"type":"RECORD","record":{"stream":"Acc',
    ].join('\n');
    const name = file(output);
    const loaded = await loadStateFile(name, SIX);
    expect(loaded.warning).toBe(`Skipped 1 line of the state file ${name} that is not JSON (a read stopped mid-line leaves one).`);
    expect(loaded.states).toEqual(
      new Map([
        ['Account', cursor('2024-02-01T00:00:00.000Z')],
        ['Contact', cursor('2024-01-05T00:00:00.000Z')],
      ]),
    );
  });

  it.each([
    ['an empty file', '\n\n', /The state file .* is empty; pass the state printed by an earlier read/],
    [
      'JSON lines without a STATE',
      `${line({ type: 'LOG', log: { level: 'INFO', message: 'a' } })}\n${line({ type: 'RECORD' })}\n`,
      /holds 2 lines of JSON but no STATE message/,
    ],
    ['a file that is no JSON', 'Account: 2024-01-01', /The state file .* is not valid JSON/],
  ])('refuses %s with a config error naming the file', async (_what, text, message) => {
    const name = file(text);
    await expect(loadStateFile(name, SIX)).rejects.toThrow(message);
    await expect(loadStateFile(name, SIX)).rejects.toThrow(name);
  });

  it('says when the path is missing or a directory', async () => {
    await expect(loadStateFile(path.join(dir, 'nope.json'), SIX)).rejects.toThrow(/state file .*nope\.json does not exist; pass the right path with --state/);
    await expect(loadStateFile(dir, SIX)).rejects.toThrow(/state file .* is a directory; pass the right path with --state/);
  });
});
