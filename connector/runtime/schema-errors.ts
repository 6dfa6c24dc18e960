/** Turns ajv's first validation error into one sentence that names the file, the field and the fix. */
import type { ErrorObject } from 'ajv';

/** How a value of each JSON type is written: a number in quotes ("6") is the usual slip. */
const TYPE_FIX: Record<string, string> = {
  integer: 'write a whole number, without quotes',
  number: 'write a number, without quotes',
  string: 'write it in double quotes',
  boolean: 'write true or false, without quotes',
  array: 'write a list in square brackets, such as ["Account", "Contact"]',
  object: 'write an object in braces, { }',
};

export function describeSchemaError(role: string, error: ErrorObject): string {
  const base = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : '';
  const field = (name: string) => (base ? `${base}.${name}` : name);
  switch (error.keyword) {
    case 'required':
      return `The ${role} is missing the required field '${field(String(error.params.missingProperty))}'; add it.`;
    case 'type':
      return `The ${role} field '${base}' must be of type ${String(error.params.type)}; ${TYPE_FIX[String(error.params.type)] ?? 'fix its value'}.`;
    case 'enum':
      return `The ${role} field '${base}' must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'format':
    case 'pattern':
      return `The ${role} field '${base}' is not a valid ${error.keyword === 'format' ? String(error.params.format) : 'value'}; use a form like 2024-01-01T00:00:00Z.`;
    case 'uniqueItems':
      return `The ${role} field '${base}' lists the same value twice; list each once.`;
    case 'minimum':
      return `The ${role} field '${base}' must be at least ${String(error.params.limit)}; raise it.`;
    case 'maximum':
      return `The ${role} field '${base}' must be at most ${String(error.params.limit)}; lower it.`;
    case 'minItems':
      return `The ${role} field '${base}' must not be empty; list at least one entry or leave the field out.`;
    default:
      return `The ${role} field '${base || '(root)'}' is invalid: ${error.message ?? error.keyword}.`;
  }
}
