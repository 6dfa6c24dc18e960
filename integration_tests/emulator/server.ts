/**
 * Routing: maps each request to the org's behaviour and writes Salesforce-shaped answers.
 * Order of checks on the data API mirrors Salesforce: version, then session, then the user's API
 * permission, then the resource.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { specOf, type SObjectName } from './field-catalog.js';
import { objectBasicInfo, globalDescribe, objectDescribe } from './describe-metadata.js';
import { apiDisabled, invalidSession, notFound, SalesforceError } from './errors.js';
import { readBody, sendJson, wantsGzip } from './http-util.js';
import { errorAnswer, jsonAnswer, sendAnswer, type Answer } from './answer.js';
import type { BulkJobs, BulkReply } from './bulk-jobs.js';
import type { DeleteLog } from './delete-log.js';
import type { FaultInjector } from './faults.js';
import { cutBody, sendMisbehaving } from './hostile-wire.js';
import { normalizeId } from './ids.js';
import { BULK_RESULTS_KINDS, dataTarget, JOB_KINDS, PAGE_KINDS, type Misbehaviours } from './misbehaviour.js';
import type { TokenContext, TokenService } from './oauth.js';
import { tokenAnswer } from './token-endpoint.js';
import type { OrgAccess } from './org-access.js';
import type { OrgStore } from './org-store.js';
import { dateHeaderValue, type DateHeader, type OrgClock } from './org-clock.js';
import { alteredPageText } from './page-alterations.js';
import { batchSizeFrom, pageJson, type CursorStore, type QueryPage } from './query-cursors.js';
import { rowToObject, type Column } from './record-serializer.js';
import { limits, NEWEST_VERSION, OLDEST_VERSION, resourceMap, versionList } from './rest-resources.js';
import { executeSoql } from './soql-engine.js';
import { composite } from './composite.js';
import { windowWidth } from './query-window.js';
import type { TcpSockets } from './tcp-sockets.js';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string | null;
  status: number;
}

export interface ServerState {
  store: OrgStore;
  access: OrgAccess;
  tokens: TokenService;
  cursors: CursorStore;
  bulk: BulkJobs;
  /** purged and hard-deleted records, and the Get Deleted resource */
  deletes: DeleteLog;
  myDomain: boolean;
  /** a sandbox org: JWTs must name https://test.salesforce.com */
  sandbox: boolean;
  /** what token answers name as instance_url (undefined: the emulator's own URL) */
  instanceUrl: string | undefined;
  /** the org's clock (org-clock.ts), the store's own */
  clock: OrgClock;
  /** whose clock answers' Date headers show (EmulatorOptions.dateHeader) */
  dateHeader: DateHeader;
  maxBatchSize: number;
  dailyApiLimit: number;
  /** Objects whose queryAll is refused (only query works on them). */
  queryAllUnsupported: ReadonlySet<SObjectName>;
  /** Queries whose result is larger than this fail with QUERY_TIMEOUT (null: never). */
  queryTimeoutRows: number | null;
  /** HTTP statuses the next data API requests fail with, in order (transient-fault injection). */
  pendingFailures: number[];
  /** How many of the next token answers are cut off in transit (a 200 whose JSON ends midway). */
  pendingTokenTruncations: number;
  /** Latency and seeded random faults (FaultOptions). */
  faults: FaultInjector;
  /** Scripted transport misbehaviours and answer alterations, per target. */
  misbehaviours: Misbehaviours;
  /** Finds the TCP socket under a TLS one, for real resets. */
  tcp: TcpSockets;
  /** false: no answer is compressed */
  gzip: boolean;
  /** bytes the link in front of the org carried to clients (0 without a link) */
  linkBytes: () => number;
  /** Bulk result downloads being answered now, and the most at once */
  downloads: { now: number; peak: number };
  /** requests of any kind being answered now: their answer not yet all handed to the OS */
  answering: number;
  /** REST query pages (query, queryAll, next pages) being answered at once */
  queries: { now: number; peak: number };
  /** the same, for queries that read records (COUNT() probes left out) */
  recordQueries: { now: number; peak: number };
  /** Set once the server is listening. */
  url: string;
  hostname: string;
  apiCalls: number;
  requests: RequestLogEntry[];
}

export function createRequestHandler(state: ServerState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams.get('q'), status: 0 };
    state.requests.push(entry);
    state.answering++;
    res.once('close', () => state.answering--);
    // Node would date the answer by this machine's clock; the org dates it by its own.
    res.sendDate = false;
    const date = dateHeaderValue(state.dateHeader, state.clock);
    if (date) res.setHeader('date', date);
    if (!state.gzip) delete req.headers['accept-encoding'];
    if (/\/jobs\/query\/[^/]+\/results$/.test(url.pathname)) {
      state.downloads.peak = Math.max(state.downloads.peak, ++state.downloads.now);
      res.once('close', () => state.downloads.now--);
    }
    if (/\/(query|queryAll)(\/[^/]+)?$/.test(url.pathname)) {
      state.queries.peak = Math.max(state.queries.peak, ++state.queries.now);
      res.once('close', () => state.queries.now--);
      if (!/^\s*SELECT\s+COUNT\(\)/i.test(entry.query ?? '')) {
        state.recordQueries.peak = Math.max(state.recordQueries.peak, ++state.recordQueries.now);
        res.once('close', () => state.recordQueries.now--);
      }
    }
    state.faults
      .delay()
      .then(() => route(state, req, res, url))
      .catch((err: unknown) => sendError(req, res, err, {}))
      .catch(() => res.destroy())
      .finally(() => {
        entry.status = res.statusCode;
      });
  };
}

/** An error before the answer started is answered; one while it was being sent can only cut it. */
async function sendError(req: IncomingMessage, res: ServerResponse, err: unknown, headers: Record<string, string>): Promise<void> {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  return sendAnswer(req, res, errorAnswer(err, headers));
}

async function route(state: ServerState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/services/oauth2/token' && state.pendingTokenTruncations > 0) {
    state.pendingTokenTruncations--;
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    return void res.end('{"access_token":"00D000000000001!AQ');
  }
  if (path === '/services/oauth2/token') {
    const hostile = state.misbehaviours.takeTransport('token');
    if (hostile) return sendMisbehaving(req, res, hostile, () => tokenAnswer(state.tokens, req, url, tokenContext(state, true)), state.tcp);
    return sendAnswer(req, res, await tokenAnswer(state.tokens, req, url, tokenContext(state, false)));
  }
  // The emulator's own figures for a benchmark (no Salesforce resource): what its link carried.
  if (path === '/__emulator/link') return sendJson(req, res, 200, { bytesToClients: state.linkBytes() });
  if (path === '/services/data') {
    requireRead(req);
    return sendJson(req, res, 200, versionList());
  }
  const m = /^\/services\/data\/(v(\d+)\.(\d+)|latest)(\/.*)?$/.exec(path);
  if (!m) throw notFound();
  const major = m[1] === 'latest' ? NEWEST_VERSION : Number(m[2]);
  if (major < OLDEST_VERSION) {
    throw new SalesforceError(410, 'API_VERSION_RETIRED', `API version ${m[1]} has been retired; use v${OLDEST_VERSION}.0 or later`);
  }
  if (major > NEWEST_VERSION || (m[3] !== undefined && m[3] !== '0')) throw notFound();
  return dataApi(state, req, res, url, `${major}.0`, m[4] ?? '');
}

function requireRead(req: IncomingMessage): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new SalesforceError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method ?? ''}' not allowed. Allowed are GET,HEAD`);
  }
}

/** What the token endpoint needs of the org's state for one request. */
function tokenContext(state: ServerState, dry: boolean): TokenContext {
  return {
    url: state.url,
    instanceUrl: state.instanceUrl ?? state.url,
    myDomain: state.myDomain,
    sandbox: state.sandbox,
    now: state.clock.now(),
    dry,
  };
}

const TRANSIENT_BODIES: Record<number, unknown> = {
  500: [{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678 (-123)', errorCode: 'UNKNOWN_EXCEPTION' }],
  503: [{ message: 'Server Unavailable', errorCode: 'SERVER_UNAVAILABLE' }],
};

/**
 * How a resource is computed. `dry` renders the answer with no side effect on the org (no job kept,
 * no locator opened, no poll counted, no alteration taken), for answers lost on the way back.
 */
interface Pass {
  dry: boolean;
  /** The request body, read at most once: a dry pass and the real one may both need it. */
  body: () => Promise<string>;
}

/** Metered data requests that random faults may hit: REST reads, and Bulk create/poll/results. */
function faultable(req: IncomingMessage, rest: string): boolean {
  const method = req.method ?? 'GET';
  return method === 'GET' || method === 'HEAD' || (method === 'POST' && /^\/jobs\/query\/?$/.test(rest));
}

async function dataApi(state: ServerState, req: IncomingMessage, res: ServerResponse, url: URL, version: string, rest: string): Promise<void> {
  const injected = state.pendingFailures.shift();
  if (injected !== undefined) return sendJson(req, res, injected, TRANSIENT_BODIES[injected] ?? '');
  let bodyText: Promise<string> | undefined;
  const body = () => (bodyText ??= readBody(req));
  const dry = () => orgAnswer(state, req, url, version, rest, { dry: true, body });
  // Misbehaviours and faults strike before the session check and metering, like a gateway failing in front of the org.
  const hostile = state.misbehaviours.takeTransport(dataTarget(req.method ?? 'GET', rest));
  if (hostile) return sendMisbehaving(req, res, hostile, dry, state.tcp);
  const fault = faultable(req, rest) ? state.faults.draw(`${req.method} ${rest}${url.search}${req.method === 'POST' ? await body() : ''}`) : null;
  if (fault !== null && fault !== 'truncated' && fault !== 'cut_mid_stream') return state.faults.sendSimple(fault, res, state.tcp);
  if (fault !== null) {
    // Only a good answer can arrive truncated or cut; any other is answered normally.
    const answer = await dry();
    if (answer.status === 200 && fault === 'truncated') return state.faults.sendTruncated(req, res, answer);
    if (answer.status === 200) {
      state.faults.counts.cut_mid_stream++;
      return cutBody(res, answer, wantsGzip(req), 0.5);
    }
  }
  return sendAnswer(req, res, await orgAnswer(state, req, url, version, rest, { dry: false, body }));
}

/** What the org answers: version, session, API permission and daily limit, then the resource. */
async function orgAnswer(state: ServerState, req: IncomingMessage, url: URL, version: string, rest: string, pass: Pass): Promise<Answer> {
  const authorization = req.headers.authorization;
  if (!(pass.dry ? state.tokens.check(authorization) : state.tokens.use(authorization))) return errorAnswer(invalidSession(), {});
  if (state.access.apiDisabled) return errorAnswer(apiDisabled(), {});
  if (state.apiCalls >= state.dailyApiLimit) {
    return errorAnswer(new SalesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), {});
  }
  if (!pass.dry) state.apiCalls++;
  const headers = { 'Sforce-Limit-Info': `api-usage=${state.apiCalls}/${state.dailyApiLimit}` };
  try {
    const reply = await resource(state, req, url, version, rest, pass);
    if (!isBulkReply(reply)) return jsonAnswer(200, reply, headers);
    const all = { ...headers, ...reply.headers };
    if (reply.csv) return { status: reply.status, headers: all, body: reply.csv };
    return reply.status === 204 ? { status: 204, headers: all, body: null } : jsonAnswer(reply.status, reply.body, all);
  } catch (err) {
    return errorAnswer(err, headers);
  }
}

function isBulkReply(value: unknown): value is BulkReply {
  return typeof value === 'object' && value !== null && BULK_REPLY in value;
}
const BULK_REPLY = Symbol('bulk reply');
const tag = (reply: BulkReply): BulkReply => Object.assign(reply, { [BULK_REPLY]: true });

/** `…/jobs/query[/{id}[/results]]`: the Bulk API 2.0 query resources. */
async function bulkResource(state: ServerState, req: IncomingMessage, url: URL, version: string, parts: string[], pass: Pass): Promise<BulkReply> {
  const [, , id, sub] = parts;
  const method = req.method ?? 'GET';
  if (Number(version) < 47) throw notFound();
  if (parts.length === 2) {
    if (method === 'POST') {
      const reply = state.bulk.create(await pass.body(), version, pass.dry);
      const altered = pass.dry ? null : state.misbehaviours.take('bulkCreate', JOB_KINDS);
      // A created job's body is always its info object.
      return tag(altered ? { ...reply, body: { ...(reply.body as Record<string, unknown>), id: altered.id } } : reply);
    }
    requireRead(req);
    return tag(state.bulk.list());
  }
  if (parts.length === 3) {
    if (method === 'PATCH') return tag(state.bulk.abort(id, await pass.body()));
    if (method === 'DELETE') return tag(state.bulk.remove(id));
    requireRead(req);
    return tag(state.bulk.status(id, pass.dry));
  }
  if (parts.length === 4 && sub === 'resultPages') {
    requireRead(req);
    return tag(state.bulk.resultPages(id, version, url.searchParams.get('locator')));
  }
  if (parts.length === 4 && sub === 'results') {
    requireRead(req);
    const alteration = () => (pass.dry ? null : state.misbehaviours.take('bulkResults', BULK_RESULTS_KINDS));
    return tag(state.bulk.results(id, version, url.searchParams.get('locator'), url.searchParams.get('maxRecords'), alteration));
  }
  throw notFound();
}

function grantedObject(state: ServerState, name: string): SObjectName {
  const object = state.access.resolve(name);
  if (!object) throw notFound();
  return object;
}

async function resource(state: ServerState, req: IncomingMessage, url: URL, version: string, rest: string, pass: Pass): Promise<unknown> {
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, a, b] = parts;
  if (head === 'jobs' && a === 'query') return bulkResource(state, req, url, version, parts, pass);
  if (head === 'composite' && parts.length === 1 && req.method === 'POST') {
    return composite(
      version,
      () => pass.body(),
      (sub, target, subVersion, subRest) => resource(state, sub, target, subVersion, subRest, pass),
    );
  }
  requireRead(req);
  if (parts.length === 0) return resourceMap(version);
  if (head === 'limits' && parts.length === 1) return limits(state.apiCalls, state.dailyApiLimit);
  if (head === 'sobjects') {
    if (parts.length === 1) return globalDescribe(state.access.grantedObjects(), version);
    const object = grantedObject(state, a);
    if (parts.length === 2) return objectBasicInfo(object, version);
    if (parts.length === 3 && b === 'describe') {
      return objectDescribe(object, state.access.hiddenFields(object), version, state.hostname);
    }
    if (parts.length === 3 && b === 'deleted') return state.deletes.answer(object, state.store.rows(object), url, state.clock.now());
    if (parts.length === 3) return record(state, object, b, url, version);
    throw notFound();
  }
  if (head === 'query' || head === 'queryAll') {
    const options = headerValue(req, 'sforce-query-options');
    const batchSize = batchSizeFrom(options, state.maxBatchSize);
    const pageText = (page: QueryPage, target: 'query' | 'queryMore'): string => {
      const altered = pass.dry ? null : state.misbehaviours.take(target, PAGE_KINDS);
      return altered ? alteredPageText(page, altered, { cursors: state.cursors, requestUrl: req.url ?? '' }) : pageJson(page);
    };
    if (parts.length === 2) return pageText(state.cursors.nextPage(a, version, options === undefined ? null : batchSize, pass.dry), 'queryMore');
    if (parts.length > 2) throw notFound();
    const q = url.searchParams.get('q');
    if (q === null) throw new SalesforceError(400, 'MALFORMED_QUERY', 'SOQL statements cannot be empty or null');
    const result = executeSoql(q, state.store, state.access, head === 'queryAll');
    if (head === 'queryAll' && state.queryAllUnsupported.has(result.object)) {
      throw new SalesforceError(400, 'EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION', `Getting all ${result.object} is unsupported`);
    }
    if (state.queryTimeoutRows !== null && !result.countOnly && result.rows.length > state.queryTimeoutRows) {
      throw queryTimeout();
    }
    const windowMs = state.faults.queryTimeoutWindowMs;
    if (
      windowMs !== undefined &&
      state.store.stampField(result.object) === 'SystemModstamp' &&
      !result.countOnly &&
      !result.limited &&
      windowWidth(state.store, result) > windowMs
    ) {
      if (!pass.dry) state.faults.counts.query_timeout++;
      throw queryTimeout();
    }
    return pageText(state.cursors.firstPage(result, version, batchSize, pass.dry), 'query');
  }
  throw notFound();
}

const queryTimeout = () => new SalesforceError(400, 'QUERY_TIMEOUT', 'Your query request was running for too long.');

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** `GET …/sobjects/{Name}/{Id}[?fields=a,b]`: one record, every readable field by default. */
function record(state: ServerState, object: SObjectName, id: string, url: URL, version: string): unknown {
  const full = normalizeId(id);
  const row = full ? state.store.get(object, full) : undefined;
  if (!row) throw notFound();
  if (row.IsDeleted === true) throw new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  const hidden = state.access.hiddenFields(object);
  const wanted = url.searchParams.get('fields');
  const specs = specOf(object).fields.filter((fs) => !hidden.has(fs.name.toLowerCase()));
  const columns: Column[] = [];
  if (wanted) {
    for (const name of wanted
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const spec = specs.find((fs) => fs.name.toLowerCase() === name.toLowerCase());
      if (!spec) throw new SalesforceError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${object}`);
      columns.push({ key: spec.name, spec });
    }
  } else for (const spec of specs) columns.push({ key: spec.name, spec });
  return rowToObject(object, version, columns, row);
}
