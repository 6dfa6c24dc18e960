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

/** Any thrown value as a ConnectorError; unknown errors are our bugs. */
export function asConnectorError(error: unknown): ConnectorError {
  if (isConnectorError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new SystemError('The connector failed unexpectedly; see the internal message for details.', {
    internalMessage: text,
    cause: error,
  });
}
