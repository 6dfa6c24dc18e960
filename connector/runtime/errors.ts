/**
 * Errors as classes, one per Airbyte failure_type, so every layer can throw what it knows and the CLI
 * turns it into exactly one TRACE message. `message` is always one plain sentence meant for the
 * operator; anything technical goes into `internalMessage`.
 */
export type FailureType = 'config_error' | 'system_error' | 'transient_error';

export interface ConnectorErrorOptions {
  internalMessage?: string;
  cause?: unknown;
  stream?: string;
}

export abstract class ConnectorError extends Error {
  abstract readonly failureType: FailureType;
  readonly internalMessage?: string;
  readonly stream?: string;

  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.internalMessage = options.internalMessage;
    this.stream = options.stream;
  }
}

/** The operator must change something: the config, the catalog, the state, or the org's setup. */
export class ConfigError extends ConnectorError {
  readonly failureType = 'config_error';
}

/** Salesforce or the network failed in a way that a later run may not see. */
export class TransientError extends ConnectorError {
  readonly failureType = 'transient_error';
}

/** A bug of ours, or Salesforce answering in a way we do not understand. */
export class SystemError extends ConnectorError {
  readonly failureType = 'system_error';
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}

/**
 * The out-of-memory failures JavaScript can still catch: a string or buffer larger than V8 allows,
 * or memory for an ArrayBuffer refused. (A full heap is not among them: V8 aborts the process.)
 */
function isOutOfMemory(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') return true;
  return error instanceof RangeError && /^(Invalid string length|Array buffer allocation failed)$/.test(error.message);
}

/** Any thrown value as a ConnectorError; unknown errors are our bugs. */
export function asConnectorError(error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  if (isOutOfMemory(error)) {
    return new SystemError(
      `The connector ran out of memory (${error.message}); raise --max-old-space-size in NODE_OPTIONS if the objects have hundreds of custom fields, otherwise report it with the log.`,
      { internalMessage: error.message, cause: error },
    );
  }
  const text = error instanceof Error ? error.message : String(error);
  return new SystemError('The connector failed unexpectedly; see the internal message for details.', {
    internalMessage: text,
    cause: error,
  });
}
