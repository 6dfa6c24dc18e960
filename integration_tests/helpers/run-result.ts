/**
 * Turns what the connector printed into a RunResult, the same way whichever runner ran it: every
 * line is validated against the protocol schema, and no output (stdout or stderr) may contain the
 * config's secrets, the emulator's tokens or anything shaped like a Salesforce access token. The
 * one exception is a CONTROL message, whose job is to hand the platform the config to store; it
 * may hold the config's secrets but still no access token.
 */
import { nativeImport } from './native.js';

const { checkedLine } = nativeImport<typeof import('./protocol-validator.js')>(new URL('./protocol-validator.js', import.meta.url));

const SESSION_TOKEN = /00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?![\w.]{8,}/;
// A signed JWT (the bearer flow's assertion): three base64url parts, the first two JSON objects.
const SIGNED_JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}/;

export type Message = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- protocol messages are checked by the schema validator, tests index them freely

export interface RunResult {
  exitCode: number | null;
  messages: Message[];
  stderr: string;
  records: Message[];
  states: Message[];
  logs: Message[];
  errors: Message[];
  statuses: Message[];
  estimates: Message[];
  /** CONTROL messages: configs the platform is asked to store */
  controls: Message[];
  connectionStatus?: Message;
  catalog?: Message;
  spec?: Message;
  recordsOf(stream: string): Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  statusesOf(stream: string): string[];
  lastStateOf(stream: string): Message | undefined;
}

export interface Output {
  exitCode: number | null;
  /** stdout cut at its newlines */
  lines: readonly string[];
  stderr: string;
  /** The process was killed mid-write: its last line may be cut, so it is dropped. */
  killed: boolean;
}

/** Throws when a line breaks the protocol or a secret leaked; otherwise the messages sorted by kind. */
export function resultFromOutput({ exitCode, lines, stderr, killed }: Output, secrets: readonly string[]): RunResult {
  const complete = killed ? lines.slice(0, -1) : lines;
  const messages: Message[] = [];
  const problems: string[] = [];
  for (const line of complete) {
    if (!line) continue;
    const checked = checkedLine(line);
    if (checked.problems.length) problems.push(`${checked.problems.join('; ')} <- ${line.slice(0, 300)}`);
    else messages.push(checked.message!);
  }
  if (problems.length) throw new Error(`connector printed invalid protocol lines:\n${problems.join('\n')}\nstderr: ${stderr}`);

  const nonRecordOutput =
    messages
      .filter((m) => m.type !== 'RECORD' && m.type !== 'CONTROL')
      .map((m) => JSON.stringify(m))
      .join('\n') + stderr;
  const controls = messages.filter((m) => m.type === 'CONTROL').map((m) => JSON.stringify(m));
  if (controls.some((line) => SESSION_TOKEN.test(line))) throw new Error('a CONTROL message carried an access token');
  for (const secret of secrets) {
    if (nonRecordOutput.includes(secret)) throw new Error(`connector output leaked a secret (${secret.slice(0, 3)}…)`);
  }
  // Salesforce access tokens start with the 15- or 18-character org Id and '!'.
  if (SESSION_TOKEN.test(nonRecordOutput)) throw new Error('connector output leaked an access token');
  if (SIGNED_JWT.test(nonRecordOutput + controls.join('\n'))) throw new Error('connector output leaked a JWT assertion');

  const ofType = (type: string) => messages.filter((m) => m.type === type);
  const traces = ofType('TRACE');
  return {
    exitCode,
    messages,
    stderr,
    records: ofType('RECORD'),
    states: ofType('STATE'),
    logs: ofType('LOG'),
    errors: traces.filter((m) => m.trace.type === 'ERROR'),
    statuses: traces.filter((m) => m.trace.type === 'STREAM_STATUS'),
    estimates: traces.filter((m) => m.trace.type === 'ESTIMATE'),
    controls: ofType('CONTROL'),
    connectionStatus: ofType('CONNECTION_STATUS')[0],
    catalog: ofType('CATALOG')[0],
    spec: ofType('SPEC')[0],
    recordsOf: (stream) =>
      ofType('RECORD')
        .filter((m) => m.record.stream === stream)
        .map((m) => m.record.data),
    statusesOf: (stream) =>
      traces
        .filter((m) => m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === stream)
        .map((m) => m.trace.stream_status.status),
    lastStateOf: (stream) =>
      ofType('STATE')
        .filter((m) => m.state.stream.stream_descriptor.name === stream)
        .at(-1),
  };
}
