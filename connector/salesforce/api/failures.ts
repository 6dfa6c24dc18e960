/**
 * What can go wrong talking to Salesforce, typed where it happens. These carry facts (status, code,
 * path, host), never operator prose: describe-failure.ts turns them into messages once, at the
 * command boundary, and request-policy.ts decides from the type alone whether a call is repeated.
 */
import type { LoginFlow } from '../config/hostname.js';

/** What a call was for: names the object and the action in messages and logs. */
export interface CallContext {
  /** the object being described or queried, when there is one */
  object?: string;
  /** what we were doing, e.g. "describe Account" */
  action: string;
}

export abstract class SalesforceFailure extends Error {
  /** set by the client for every failure of a call it made */
  context?: CallContext;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  in(context: CallContext): this {
    this.context ??= context;
    return this;
  }
}

/** One non-2xx answer from the REST API, with Salesforce's error code and text. */
export class SalesforceApiError extends SalesforceFailure {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly sfMessage: string,
    readonly path: string,
    /** seconds the server asked us to wait (Retry-After), when it did */
    readonly retryAfterMs?: number,
  ) {
    super(`${status} ${errorCode}: ${sfMessage} (${path})`);
  }
}

/** What the token request was, so a refusal can be explained for its flow. */
export interface TokenRequestFacts {
  flow: LoginFlow;
  /** host[:port] of the token endpoint */
  host: string;
  /** jwt_bearer: the audience the assertion named */
  audience?: string;
  /** jwt_bearer: the user the assertion was for */
  username?: string;
  /** how the config names its login fields: 'credentials.' in the spec's shape, '' in a flat config */
  loginFieldPrefix?: string;
}

/** The token endpoint refused to issue a token (or did not answer like Salesforce). */
export class OAuthError extends SalesforceFailure {
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    readonly description: string | undefined,
    readonly request: TokenRequestFacts,
    readonly retryAfterMs?: number,
    /** how far the answer's Date ran ahead of this machine's clock (negative: behind); undefined without a Date */
    readonly clockSkewMs?: number,
  ) {
    super(`token endpoint answered ${status}: ${error ?? '(no OAuth error code)'}${description ? ` (${description})` : ''}`);
  }

  get host(): string {
    return this.request.host;
  }
}

/**
 * A token answer named, as the org's API host, something that is not a Salesforce host: the token
 * is not sent there.
 */
export class UntrustedInstanceError extends SalesforceFailure {
  constructor(
    /** host[:port] of the token endpoint that answered */
    readonly tokenHost: string,
    /** the instance_url as shown: scheme and host only */
    readonly shown: string,
  ) {
    super(`token answer from ${tokenHost} named instance_url ${shown}, which is not a Salesforce host`);
  }
}

/**
 * Where a transport failure struck: before any answer (connect, TLS, waiting for headers) or while
 * the body was arriving (cut off, reset, a gzip stream that ends early, silence).
 */
export type TransportPhase = 'connect' | 'headers' | 'body';

/** The network or a machine in front of Salesforce failed; `code` is Node's or got's error code. */
export class TransportError extends SalesforceFailure {
  constructor(
    readonly code: string,
    readonly phase: TransportPhase,
    readonly host: string,
    detail: string,
    cause?: unknown,
    /** the host had answered earlier in this run: it exists and listens, so this is weather */
    readonly hostAnsweredBefore = false,
  ) {
    super(`${code} during ${phase} from ${host}: ${detail}`, { cause });
  }
}

/** Silence or slowness past our bounds: no byte for idleTimeoutMs, a body arriving below the rate floor, or the whole call past deadlineMs. */
export class StallError extends SalesforceFailure {
  constructor(
    /** idle: nothing for limitMs; slow: fewer than minBytes in limitMs of waiting; deadline: the call's whole time spent */
    readonly kind: 'idle' | 'slow' | 'deadline',
    readonly limitMs: number,
    readonly host: string,
    readonly path: string,
    readonly minBytes?: number,
  ) {
    super(
      kind === 'idle'
        ? `no data from ${host} for ${limitMs} ms (${path})`
        : kind === 'slow'
          ? `fewer than ${minBytes} bytes from ${host} in ${limitMs} ms of waiting (${path})`
          : `${path} on ${host} took longer than ${limitMs} ms`,
    );
  }
}

/** A 200 whose body is not the JSON it should be: cut off or mangled on the way. */
export class UnreadableAnswerError extends SalesforceFailure {
  constructor(
    readonly path: string,
    readonly bytes: number,
    detail: string,
  ) {
    super(`unreadable answer for ${path} (${bytes} bytes): ${detail}`);
  }
}

/** An answer that parses but lacks what it must carry (a token answer without a token): not worth repeating. */
export class MalformedAnswerError extends SalesforceFailure {
  constructor(
    readonly path: string,
    readonly missing: string,
  ) {
    super(`answer for ${path} has no ${missing}`);
  }
}

/** An answer or a CSV record larger than any real Salesforce answer: refused before it fills memory. */
export class AnswerTooLargeError extends SalesforceFailure {
  constructor(
    readonly what: 'answer' | 'CSV record',
    readonly limitBytes: number,
    readonly path: string,
  ) {
    super(`${what} of ${path} exceeds ${limitBytes} bytes`);
  }
}

/** A 3xx: never followed, since it could carry the credentials to another host or to plain http. */
export class RedirectError extends SalesforceFailure {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly host: string,
    /** the Location's origin (scheme, host, port): no path or query, which could carry anything */
    readonly target: string | undefined,
  ) {
    super(`${status} redirect for ${path} on ${host} to ${target ?? '(no Location)'}`);
  }
}

/** A URL from the server (next page, job id) that would leave the org's origin or the data API. */
export class UnsafeUrlError extends SalesforceFailure {
  constructor(
    readonly what: string,
    /** the offending value's path, never its query */
    readonly shownPath: string,
    /** the other origin it pointed to, if it did */
    readonly foreignOrigin: string | undefined,
  ) {
    super(`refused ${what} ${shownPath}${foreignOrigin ? ` on ${foreignOrigin}` : ''}: it leaves the org's origin or /services/data/`);
  }
}

/**
 * Salesforce broke the rules a read relies on: a next page URL seen before, done:false with no
 * next page, a page that does not advance, more records than totalSize, records out of order.
 */
export class PagingError extends SalesforceFailure {
  constructor(readonly rule: string) {
    super(rule);
  }
}

/**
 * A Bulk result page downloaded again did not start with the rows an earlier download of it had
 * delivered (a row dropped or added in between by something on the way, or the page itself
 * changed): skipping by count would lose one row and repeat another. Not repeated: a third download
 * cannot tell which one was right, and the rows are already written.
 */
export class ResultPageChangedError extends SalesforceFailure {
  constructor(
    readonly jobId: string,
    /** rows of the page delivered before the download that disagreed */
    readonly rowsDelivered: number,
  ) {
    super(`Bulk job ${jobId}: a result page downloaded again did not start with the ${rowsDelivered} rows already delivered from it`);
  }
}

/**
 * A Bulk query job ended Failed or Aborted (QUERY_TIMEOUT, an internal error), or was still running
 * past the bound the connector waits. Nothing of its window was delivered: the window can be split
 * and tried again.
 */
export class BulkJobFailedError extends SalesforceFailure {
  constructor(
    readonly jobId: string,
    /** Failed, Aborted, or the state it was stuck in */
    readonly state: string,
    readonly errorMessage: string | undefined,
    readonly timedOut: boolean,
  ) {
    super(`Bulk job ${jobId} ${timedOut ? `still ${state} past the wait bound` : `ended ${state}`}${errorMessage ? `: ${errorMessage}` : ''}`);
  }
}
