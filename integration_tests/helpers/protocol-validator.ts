/**
 * Validates connector output against the official Airbyte protocol schema in ../shared, plus the
 * rule the schema cannot express: an envelope's `type` names the payload it carries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { REPO_ROOT } from './paths.js';

type FormatsPlugin = typeof formatsModule.default;
// CommonJS default export: see connector/runtime/ajv.ts
const addFormats: FormatsPlugin = typeof formatsModule === 'function' ? (formatsModule as unknown as FormatsPlugin) : formatsModule.default;

const PAYLOAD_OF: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
};

export const PROTOCOL_SCHEMA_PATH = path.resolve(REPO_ROOT, '../shared/airbyte-protocol/airbyte_protocol.json');

let cached: { message: ValidateFunction; ajv: Ajv } | undefined;

function compiled() {
  if (!cached) {
    const proto = JSON.parse(readFileSync(PROTOCOL_SCHEMA_PATH, 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    cached = { ajv, message: ajv.compile({ $ref: '#/definitions/AirbyteMessage', definitions: proto.definitions }) };
  }
  return cached;
}

/** Returns the problems with one stdout line; empty when it is a valid message. */
export function lineProblems(line: string): string[] {
  return checkedLine(line).problems;
}

/** One stdout line parsed once: the message, and its problems (empty when it is a valid message). */
export function checkedLine(line: string): { message?: Record<string, unknown>; problems: string[] } {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(line);
  } catch {
    return { problems: [`not JSON: ${line.slice(0, 200)}`] };
  }
  return { message, problems: messageProblems(message) };
}

function messageProblems(message: Record<string, unknown>): string[] {
  const { ajv, message: validate } = compiled();
  const problems: string[] = [];
  if (!validate(message)) problems.push(ajv.errorsText(validate.errors));
  const payload = PAYLOAD_OF[String(message.type)];
  if (!payload || message[payload] === undefined) problems.push(`type ${String(message.type)} without its ${payload ?? 'payload'}`);
  for (const other of Object.values(PAYLOAD_OF)) {
    if (other !== payload && message[other] !== undefined) problems.push(`type ${String(message.type)} also carries ${other}`);
  }
  return problems;
}

let recordAjv: Ajv | undefined;

/**
 * A draft-07 validator for a stream's discovered json_schema, with formats checked strictly. One ajv
 * compiles them all: a new one per schema compiled the draft-07 meta-schema again, which cost
 * several times the stream's own schema.
 */
export function recordValidator(jsonSchema: Record<string, unknown>): ValidateFunction {
  if (!recordAjv) {
    recordAjv = new Ajv({ strict: false, allErrors: true });
    addFormats(recordAjv);
  }
  return recordAjv.compile(jsonSchema);
}
