/**
 * An answer as a value, computed before anything is written: a misbehaviour or a fault can then
 * send the org's real answer badly (cut, dripped, reset) without the org doing the work twice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CsvBody } from './bulk-csv.js';
import { sendCsv } from './bulk-csv.js';
import { OAuthError, SalesforceError } from './errors.js';
import { JSON_TYPE, sendJson } from './http-util.js';
import { salesforcePretty } from './pretty-json.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Serialized JSON, a CSV result page (streamed), or null for a 204. */
  body: string | CsvBody | null;
}

export function jsonAnswer(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
  return { status, headers, body: typeof value === 'string' ? value : JSON.stringify(value) };
}

/** The answer an exception stands for; anything but a Salesforce or OAuth error is an emulator bug, logged. */
export function errorAnswer(err: unknown, headers: Record<string, string>): Answer {
  if (err instanceof SalesforceError) return jsonAnswer(err.status, err.body(), headers);
  if (err instanceof OAuthError) return jsonAnswer(err.status, { error: err.error, error_description: err.description }, headers);
  process.stderr.write(`salesforce emulator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  const message = 'An unexpected error occurred. Please include this ErrorId if you contact support: 0000-0000 (-1)';
  return jsonAnswer(500, [{ message, errorCode: 'UNKNOWN_EXCEPTION' }], headers);
}

export async function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer): Promise<void> {
  if (answer.body === null) {
    res.writeHead(answer.status, answer.headers);
    res.end();
  } else if (typeof answer.body === 'string') {
    // Salesforce pretty-prints its JSON for a client that asks (simple-salesforce always does).
    const body = req.headers['x-prettyprint'] === '1' ? salesforcePretty(JSON.parse(answer.body)) : answer.body;
    await sendJson(req, res, answer.status, body, answer.headers);
  } else await sendCsv(req, res, answer.body, answer.headers);
}

/** The whole body and the headers that describe it (identity encoding), for answers sent in pieces. */
export function answerBytes(answer: Answer): { headers: Record<string, string>; bytes: Buffer } {
  const text = answer.body === null ? '' : typeof answer.body === 'string' ? answer.body : answer.body.text();
  return { headers: { 'Content-Type': JSON_TYPE, ...answer.headers }, bytes: Buffer.from(text, 'utf8') };
}
