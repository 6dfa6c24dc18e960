/**
 * Scripted misbehaviour: the next N requests of one kind get an answer that a proxy, a load
 * balancer, a slow network or a broken server could produce. Unlike the seeded faults, nothing is
 * random: a test queues exactly what the client must survive, per target, first in first out.
 *
 * Transport misbehaviours replace the answer on the wire, before the org sees the request; the
 * alterations (query pages, Bulk results, job ids) change a real answer, so they are taken only
 * where that answer is built, once the org has accepted the request.
 */

export type MisbehaviourTarget = 'token' | 'describe' | 'query' | 'queryMore' | 'bulkCreate' | 'bulkPoll' | 'bulkResults' | 'any';

/** Targets a data request can be classified as; `any` matches them all (and unclassified ones). */
export type DataTarget = Exclude<MisbehaviourTarget, 'token' | 'any'>;

export type TransportMisbehaviour =
  | { kind: 'cutBody'; gzip: boolean; fraction?: number }
  | { kind: 'resetAfterPartial' }
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; location: string }
  | { kind: 'drip'; intervalMs: number; totalMs?: number }
  | { kind: 'slowLink'; bytesPerTick: number; intervalMs: number }
  | { kind: 'stall' }
  | { kind: 'hugeBody'; bytes: number; chunked?: boolean }
  | { kind: 'gzipBomb'; bytes: number }
  /**
   * `retryAfterAsDate`: Retry-After as an HTTP date that many seconds past the answer's own Date (the
   * org's clock, or this machine's where no Date is sent), as a proxy in front of the org may write it.
   */
  | { kind: 'rateLimited'; retryAfterSeconds?: number; retryAfterAsDate?: boolean }
  | { kind: 'concurrencyLimit' };

export type PageAlteration =
  | { kind: 'nextUrl'; url: string }
  | { kind: 'repeatNextUrl' }
  | { kind: 'doneWithoutNext' }
  | { kind: 'stamp'; value: unknown; index?: number }
  | { kind: 'outOfOrder' }
  | { kind: 'backwardsPage' }
  | { kind: 'emptyNotDone' }
  | { kind: 'totalSize'; value: number }
  | { kind: 'rewritePage'; edits: TextEdit[] };

/**
 * One edit of an answer's text, `text.replace(new RegExp(pattern, flags), replace)`: a damaged or
 * hostile answer spelt byte for byte. A CSV page is edited as latin1 (one character per byte), so
 * `replace` can write any byte, UTF-8 or not.
 */
export interface TextEdit {
  pattern: string;
  flags?: string;
  replace: string;
}

export type BulkResultsAlteration =
  | { kind: 'repeatLocator' }
  | { kind: 'hugeCsvCell'; bytes: number }
  /** the page's data row `index` (default: its middle one) left out of the body, Sforce-NumberOfRecords still counting it */
  | { kind: 'dropCsvRow'; index?: number }
  /** the page edited, then sent in pieces of `pieceBytes` (16 KiB) */
  | { kind: 'rewriteCsv'; edits: TextEdit[]; pieceBytes?: number };

export type JobAlteration = { kind: 'jobId'; id: string };

export type Misbehaviour = TransportMisbehaviour | PageAlteration | BulkResultsAlteration | JobAlteration;
export type MisbehaviourKind = Misbehaviour['kind'];

export const TRANSPORT_KINDS = [
  'cutBody',
  'resetAfterPartial',
  'redirect',
  'drip',
  'slowLink',
  'stall',
  'hugeBody',
  'gzipBomb',
  'rateLimited',
  'concurrencyLimit',
] as const satisfies readonly TransportMisbehaviour['kind'][];
export const PAGE_KINDS = [
  'nextUrl',
  'repeatNextUrl',
  'doneWithoutNext',
  'stamp',
  'outOfOrder',
  'backwardsPage',
  'emptyNotDone',
  'totalSize',
  'rewritePage',
] as const satisfies readonly PageAlteration['kind'][];
export const BULK_RESULTS_KINDS = ['repeatLocator', 'hugeCsvCell', 'dropCsvRow', 'rewriteCsv'] as const satisfies readonly BulkResultsAlteration['kind'][];
export const JOB_KINDS = ['jobId'] as const satisfies readonly JobAlteration['kind'][];

/** A first page has no page before it to go backwards from. */
const FIRST_PAGE_KINDS = PAGE_KINDS.filter((k) => k !== 'backwardsPage');

const ALLOWED: Record<MisbehaviourTarget, readonly MisbehaviourKind[]> = {
  // The org's limit on long-running requests applies to its data API, not to the token endpoint.
  token: TRANSPORT_KINDS.filter((k) => k !== 'concurrencyLimit'),
  describe: TRANSPORT_KINDS,
  query: [...TRANSPORT_KINDS, ...FIRST_PAGE_KINDS],
  queryMore: [...TRANSPORT_KINDS, ...PAGE_KINDS],
  bulkCreate: [...TRANSPORT_KINDS, ...JOB_KINDS],
  bulkPoll: TRANSPORT_KINDS,
  bulkResults: [...TRANSPORT_KINDS, ...BULK_RESULTS_KINDS],
  any: TRANSPORT_KINDS,
};

/** The smallest hugeBody: the query page around an empty string field (see hostile-wire.ts). */
export const MIN_HUGE_BODY_BYTES = 256;
const REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308];

interface Entry {
  behaviour: Misbehaviour;
  remaining: number;
}

type Of<K extends MisbehaviourKind> = Extract<Misbehaviour, { kind: K }>;

export class Misbehaviours {
  private readonly queues = new Map<MisbehaviourTarget, Entry[]>();
  private readonly applied = new Map<MisbehaviourKind, number>();

  /**
   * Queues `behaviour` for the next `times` requests matching `target` (Infinity: for good). Throws
   * on a behaviour the target cannot have (an alteration of an answer it never gives) or on bad
   * parameters, so a mistyped test fails where it is written rather than passing vacuously.
   */
  add(target: MisbehaviourTarget, behaviour: Misbehaviour, times: number): void {
    if (!(target in ALLOWED)) throw new Error(`unknown misbehaviour target '${String(target)}'`);
    if (!ALLOWED[target].includes(behaviour.kind)) {
      throw new Error(`misbehaviour '${behaviour.kind}' does not apply to '${target}' (allowed: ${ALLOWED[target].join(', ')})`);
    }
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) throw new Error(`times must be a positive integer or Infinity, got ${times}`);
    validate(behaviour);
    const queue = this.queues.get(target) ?? [];
    queue.push({ behaviour: { ...behaviour }, remaining: times });
    this.queues.set(target, queue);
  }

  /**
   * The behaviour at the head of `target`'s queue if it is one of `kinds`, taken (and counted as
   * applied); null otherwise, leaving the queue as it is.
   */
  take<K extends MisbehaviourKind>(target: MisbehaviourTarget, kinds: readonly K[]): Of<K> | null {
    const queue = this.queues.get(target);
    const head = queue?.[0];
    if (!queue || !head || !isOneOf(head.behaviour, kinds)) return null;
    if (--head.remaining <= 0) queue.shift();
    this.applied.set(head.behaviour.kind, (this.applied.get(head.behaviour.kind) ?? 0) + 1);
    return head.behaviour;
  }

  /** The transport misbehaviour due for a request: its own target's first, then `any`'s (data requests only). */
  takeTransport(target: DataTarget | 'token' | null): TransportMisbehaviour | null {
    const own = target === null ? null : this.take(target, TRANSPORT_KINDS);
    return own ?? (target === 'token' ? null : this.take('any', TRANSPORT_KINDS));
  }

  /** How many times misbehaviours (of `kind`, or of every kind) were actually applied. */
  count(kind?: MisbehaviourKind): number {
    if (kind !== undefined) return this.applied.get(kind) ?? 0;
    let total = 0;
    for (const n of this.applied.values()) total += n;
    return total;
  }

  /** Drops everything still queued (a misbehaviour queued for good needs a way to stop). */
  clear(): void {
    this.queues.clear();
  }
}

function isOneOf<K extends MisbehaviourKind>(behaviour: Misbehaviour, kinds: readonly K[]): behaviour is Of<K> {
  return (kinds as readonly MisbehaviourKind[]).includes(behaviour.kind);
}

function validate(m: Misbehaviour): void {
  const fail = (what: string) => {
    throw new Error(`misbehaviour '${m.kind}': ${what}`);
  };
  const positiveInt = (n: number) => Number.isSafeInteger(n) && n > 0;
  switch (m.kind) {
    case 'cutBody':
      if (m.fraction !== undefined && !(m.fraction > 0 && m.fraction < 1)) fail(`fraction must be in (0, 1), got ${m.fraction}`);
      break;
    case 'redirect':
      if (!REDIRECT_STATUSES.includes(m.status)) fail(`status must be one of ${REDIRECT_STATUSES.join(', ')}`);
      // Node refuses to send such a header; better to fail here than with a 500 mid-test.
      if (/[^\t\x20-\x7e\x80-\xff]/.test(m.location)) fail('location holds characters a header cannot carry');
      break;
    case 'drip':
      if (!(m.intervalMs > 0)) fail('intervalMs must be positive');
      if (m.totalMs !== undefined && !(m.totalMs > 0)) fail('totalMs must be positive');
      break;
    case 'slowLink':
      if (!positiveInt(m.bytesPerTick)) fail('bytesPerTick must be a positive integer');
      if (!(m.intervalMs > 0)) fail('intervalMs must be positive');
      break;
    case 'hugeBody':
      if (!Number.isSafeInteger(m.bytes) || m.bytes < MIN_HUGE_BODY_BYTES) fail(`bytes must be an integer >= ${MIN_HUGE_BODY_BYTES}`);
      break;
    case 'gzipBomb':
    case 'hugeCsvCell':
      if (!positiveInt(m.bytes)) fail('bytes must be a positive integer');
      break;
    case 'stamp':
    case 'dropCsvRow':
      if (m.index !== undefined && !(Number.isInteger(m.index) && m.index >= 0)) fail('index must be a non-negative integer');
      break;
    case 'totalSize':
      if (!Number.isFinite(m.value)) fail('value must be a finite number');
      break;
    case 'rateLimited':
      if (m.retryAfterSeconds !== undefined && !(Number.isSafeInteger(m.retryAfterSeconds) && m.retryAfterSeconds >= 0)) {
        fail('retryAfterSeconds must be a non-negative integer');
      }
      if (m.retryAfterAsDate && m.retryAfterSeconds === undefined) fail('retryAfterAsDate needs retryAfterSeconds');
      break;
    case 'rewriteCsv':
      if (m.pieceBytes !== undefined && !positiveInt(m.pieceBytes)) fail('pieceBytes must be a positive integer');
      checkEdits(m.edits, fail);
      break;
    case 'rewritePage':
      checkEdits(m.edits, fail);
      break;
  }
}

function checkEdits(edits: readonly TextEdit[], fail: (what: string) => void): void {
  if (!Array.isArray(edits) || edits.length === 0) fail('edits must be a non-empty list');
  for (const edit of edits) {
    try {
      new RegExp(edit.pattern, edit.flags);
    } catch (error) {
      fail(`pattern: ${(error as Error).message}`);
    }
  }
}

/** `text` with each edit applied in turn. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return edits.reduce((edited, edit) => edited.replace(new RegExp(edit.pattern, edit.flags), edit.replace), text);
}

/**
 * What a data request is, from its method and the path after `/services/data/vNN.N`; null for
 * resources no target names (they match `any` only).
 */
export function dataTarget(method: string, rest: string): DataTarget | null {
  const parts = rest.split('/').filter(Boolean);
  const read = method === 'GET' || method === 'HEAD';
  const [head, a, b, c] = parts;
  if (read && head === 'sobjects' && parts.length === 3 && b === 'describe') return 'describe';
  if (read && (head === 'query' || head === 'queryAll')) {
    if (parts.length === 1) return 'query';
    if (parts.length === 2) return 'queryMore';
  }
  if (head === 'jobs' && a === 'query') {
    if (parts.length === 2 && method === 'POST') return 'bulkCreate';
    if (parts.length === 3 && read) return 'bulkPoll';
    if (parts.length === 4 && c === 'results' && read) return 'bulkResults';
  }
  return null;
}
