import { describe, expect, it } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { parseArgs } from './args.js';
import { connectionStatusMessage, errorTraceMessage } from './messages.js';
import { Redactor } from './redactor.js';
import { ProtocolWriter } from './writer.js';

describe('parseArgs', () => {
  it('parses each command', () => {
    expect(parseArgs(['spec'])).toEqual({ command: 'spec' });
    expect(parseArgs(['check', '--config', 'c.json'])).toEqual({ command: 'check', config: 'c.json' });
    expect(parseArgs(['read', '--config=c', '--catalog', 'k', '--state', 's'])).toEqual({ command: 'read', config: 'c', catalog: 'k', state: 's' });
  });

  it.each([
    [[], /Unknown command/],
    [['write'], /Unknown command 'write'/],
    [['check'], /needs --config/],
    [['read', '--config', 'c'], /needs --catalog/],
    [['check', '--config'], /needs a file path/],
    [['check', '--verbose'], /Unknown argument/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('ProtocolWriter', () => {
  /** A writer that masks the secret s3cr3t/+=, and the text it has written so far. */
  function redactingWriter() {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    const redactor = new Redactor();
    redactor.add('s3cr3t/+=');
    return { writer: new ProtocolWriter(out, { redactor }), chunks };
  }

  it('writes one JSON line per message and redacts secrets outside records', async () => {
    const { writer, chunks } = redactingWriter();
    await writer.log('INFO', 'token s3cr3t/+= and s3cr3t%2F%2B%3D');
    await writer.writeRecords('Account', [{ Id: '1' }, { Id: '2' }], 5);
    await writer.flush();
    const lines = chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].log.message).toBe('token ********** and **********');
    expect(lines.slice(1)).toEqual([
      { type: 'RECORD', record: { stream: 'Account', emitted_at: 5, data: { Id: '1' } } },
      { type: 'RECORD', record: { stream: 'Account', emitted_at: 5, data: { Id: '2' } } },
    ]);
  });

  it('redacts TRACE and CONNECTION_STATUS lines, and the lines a stop ends on', async () => {
    // Secrets reach these lines in error messages and stack traces no call site thought to mask.
    const { writer, chunks } = redactingWriter();
    writer.setClosing(() => [errorTraceMessage({ message: 'closing s3cr3t/+=', failureType: 'system_error' })]);
    await writer.write(errorTraceMessage({ message: 'failed with s3cr3t/+=', failureType: 'system_error', stackTrace: 'at s3cr3t/+=' }));
    await writer.write(connectionStatusMessage('FAILED', 'refused s3cr3t/+='));
    await writer.stop(errorTraceMessage({ message: 'escaped s3cr3t/+=', failureType: 'system_error' }));
    const text = chunks.join('');
    expect(text.trim().split('\n')).toHaveLength(4);
    expect(text).not.toContain('s3cr3t');
    expect(text.match(/\*{10}/g)).toHaveLength(5);
  });

  it('once stopped, ends with the stop line after everything queued and writes nothing more', async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    const writer = new ProtocolWriter(out);
    const records = Array.from({ length: 5000 }, (_, i) => ({ Id: String(i), Name: 'x'.repeat(100) }));
    void writer.writeRecords('Account', records, 5); // more than one chunk: waits for 'drain' mid-page
    await new Promise((r) => setTimeout(r, 10));
    let stopped = false;
    const stopping = writer.stop({ type: 'LOG', log: { level: 'WARN', message: 'Stopped' } }).then(() => (stopped = true));
    let later = false;
    void writer.log('INFO', 'after the stop').then(() => (later = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false); // the reader has not taken the queued output yet
    const chunks: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    await stopping;
    await new Promise((r) => setTimeout(r, 10));
    const lines = chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    const messages = lines.map((l) => JSON.parse(l));
    expect(messages.at(-1)).toEqual({ type: 'LOG', log: { level: 'WARN', message: 'Stopped' } });
    expect(messages.length).toBeLessThan(records.length + 1);
    expect(later).toBe(false);
  });

  it('waits for the reader when the pipe is full', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    const writer = new ProtocolWriter(out);
    let done = false;
    const pending = writer.log('INFO', 'x'.repeat(100)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    out.read();
    await pending;
    expect(done).toBe(true);
  });
});
