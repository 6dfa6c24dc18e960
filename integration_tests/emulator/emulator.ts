/** Assembles store, access rules, tokens and routes into a listening loopback server. */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import { isDefined, SOBJECT_NAMES, type SObjectName, type SRecord } from './field-catalog.js';
import { defineCustomObject, defineGeneratedObjects, type CustomObjectOptions } from './extra-objects.js';
import { TokenService, type EmulatorClient } from './oauth.js';
import { OrgAccess } from './org-access.js';
import { OrgStore } from './org-store.js';
import { OrgClock, type DateHeader } from './org-clock.js';
import { CursorStore } from './query-cursors.js';
import { BulkJobs, type BulkFailureModes } from './bulk-jobs.js';
import { DeleteLog } from './delete-log.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import { Misbehaviours, type Misbehaviour, type MisbehaviourKind, type MisbehaviourTarget } from './misbehaviour.js';
import { createRequestHandler, type RequestLogEntry, type ServerState } from './server.js';
import { TcpSockets } from './tcp-sockets.js';
import { startLink, type LinkOptions } from './link.js';
import { loopbackCertificate } from './tls.js';
import { parseStoredDateTime } from './sf-time.js';

export interface EmulatorOptions {
  https?: boolean;
  port?: number;
  clients?: EmulatorClient[];
  seed?: number;
  counts?: Partial<Record<SObjectName, number>>;
  /**
   * The org's objects, in the order its global describe lists them: any of the six, of
   * extra-objects.ts (RICH_ORG_OBJECTS lists them all) and of `customObjects`. Default: the six.
   */
  objects?: SObjectName[];
  /** Custom objects to define (name, fields) and add to the org's objects. */
  customObjects?: CustomObjectOptions[];
  /** Adds `count` generated custom objects of `fields` fields each, described and filled on first use. */
  generatedObjects?: { count: number; fields: number };
  /** queryAll on these objects is refused (400 EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION); query works. */
  queryAllUnsupportedObjects?: SObjectName[];
  grantedObjects?: SObjectName[];
  apiDisabled?: boolean;
  hiddenFields?: Partial<Record<SObjectName, string[]>>;
  tokenTtlRequests?: number;
  tokenTtlMs?: number;
  /** false: the host imitates login.salesforce.com (Client Credentials refused; refresh token and JWT served) */
  myDomain?: boolean;
  /** a sandbox org: JWT assertions must name https://test.salesforce.com as audience */
  sandbox?: boolean;
  /** what token answers name as instance_url; default the emulator's own URL */
  instanceUrl?: string;
  /**
   * the org's clock runs this far ahead of ours (negative: behind): its Date headers, the stamps of
   * changes and deletions, Get Deleted's windows, JWT expiry (org-clock.ts)
   */
  clockAheadMs?: number;
  /**
   * whose clock answers' Date headers show: 'org' (the default), 'none' (a proxy strips them) or
   * 'proxy' (a proxy dates them by its own clock, this machine's)
   */
  dateHeader?: DateHeader;
  maxBatchSize?: number;
  /** Every Description filled to this many characters (records of tens of KB); 0, the default, leaves them short. */
  longTextChars?: number;
  // Beyond the connector's contract: knobs for failure-path tests.
  /** The org's daily API allocation (Sforce-Limit-Info and /limits); past it, 403 REQUEST_LIMIT_EXCEEDED. Default 15000. */
  dailyApiLimit?: number;
  /** REST queries whose result has more rows than this fail with 400 QUERY_TIMEOUT. */
  queryTimeoutRows?: number;
  /** Bulk API 2.0 jobs on these objects are refused with INVALIDENTITY. */
  bulkUnsupportedObjects?: SObjectName[];
  /** Status polls of a Bulk job that answer InProgress before JobComplete. Default 0. */
  bulkPollsBeforeComplete?: number;
  /** Bulk jobs that end Failed: too wide a SystemModstamp window, or ORDER BY over too many rows. */
  bulkFailures?: BulkFailureModes;
  /** Get Deleted on these objects answers 404 NOT_FOUND, as on objects Salesforce does not replicate. */
  getDeletedUnsupportedObjects?: SObjectName[];
  /** Get Deleted answers EXCEEDED_ID_LIMIT past this many ids. Default 600,000, Salesforce's limit. */
  deletedIdLimit?: number;
  /** Latency, seeded transient faults, session expiry and window-width query timeouts; off by default. */
  faults?: FaultOptions;
  /** A wide-area link between the org and its clients (link.ts): bandwidth per connection and round-trip time. */
  link?: LinkOptions;
  /** false: answers are never compressed, whatever the client accepts (a proxy that strips Accept-Encoding). */
  gzip?: boolean;
  /** Rows of each Bulk result page (what a locator, and each URL of resultPages, covers). Default 50,000. */
  bulkResultPageRows?: number;
  /** false: Get Parallel Results (resultPages) answers 404 NOT_FOUND, as an org or API version without it, or a proxy blocking it. */
  bulkResultPages?: boolean;
}

export interface Emulator {
  url: string;
  hostname: string;
  port: number;
  caFile?: string;
  readonly apiCalls: number;
  readonly tokensIssued: number;
  readonly requests: RequestLogEntry[];
  records(object: SObjectName, opts?: { includeDeleted?: boolean }): Record<string, unknown>[];
  insert(object: SObjectName, fields?: Record<string, unknown>): Record<string, unknown>;
  update(object: SObjectName, id: string, fields?: Record<string, unknown>): Record<string, unknown>;
  softDelete(object: SObjectName, id: string): Record<string, unknown>;
  lateCommit(object: SObjectName, msBeforeNewest: number, fields?: Record<string, unknown>): Record<string, unknown>;
  /**
   * A record purged from the Recycle Bin: queryAll no longer shows it, Get Deleted still lists it,
   * deleted when it was soft-deleted, or at `deletedAt` (ms; default now) when it was live.
   */
  purge(object: SObjectName, id: string, deletedAt?: number): void;
  /** A record hard-deleted through the API at `deletedAt` (ms; default now): gone at once, listed by Get Deleted. */
  hardDelete(object: SObjectName, id: string, deletedAt?: number): void;
  /**
   * Empties the object's Recycle Bin at `at` (ms; default now): its soft-deleted records are purged
   * and Get Deleted lists nothing deleted before then (earliestDateAvailable moves forward).
   */
  emptyRecycleBin(object: SObjectName, at?: number): void;
  /** Get Deleted covers only up to `ms` before now (deletes still being written), as Salesforce's latestDateCovered can. */
  setDeleteLogLagMs(ms: number): void;
  /** The org's time now (ms), on its clock (`clockAheadMs`). */
  orgNow(): number;
  /** Moves the org's clock to run `ms` ahead of ours (negative: behind): time passing, or a clock corrected. */
  setClockAheadMs(ms: number): void;
  /** Changes fields (formula results) without moving SystemModstamp, as a formula does when what it reads changes. */
  recalculate(object: SObjectName, id: string, fields: Record<string, unknown>): Record<string, unknown>;
  revokeObject(object: SObjectName): void;
  grantObject(object: SObjectName): void;
  hideField(object: SObjectName, field: string): void;
  setApiDisabled(disabled: boolean): void;
  expireTokens(): void;
  /** A refresh token for `clientId`, as the authorization-code flow would leave it. */
  issueRefreshToken(clientId?: string): string;
  revokeRefreshToken(token: string): void;
  /** Refresh tokens replaced by rotation so far. */
  readonly refreshTokenRotations: number;
  close(): Promise<void>;
  // Failure injection, beyond the connector's contract.
  readonly bulkJobsCreated: number;
  /** requests of any kind being answered now (their answer not yet all handed to the OS) */
  readonly answering: number;
  /** the most Bulk result downloads answered at once */
  readonly bulkDownloadsPeak: number;
  /** the most REST query pages answered at once */
  readonly restQueriesPeak: number;
  /** the same, COUNT() probes left out: pages of records read at once */
  readonly restRecordQueriesPeak: number;
  /** Bulk jobs that ended Failed (see `bulkFailures`). */
  readonly bulkJobsFailed: number;
  /** The SOQL of every Bulk job created, in order. */
  readonly bulkQueries: readonly string[];
  /** Every open query locator becomes invalid (next page → 400 INVALID_QUERY_LOCATOR). */
  expireQueryLocators(): void;
  setQueryTimeoutRows(rows: number | null): void;
  /** The next `count` data API requests fail with `status` (503 SERVER_UNAVAILABLE by default) before any other check. */
  failNextRequests(count: number, status?: number): void;
  /** The next `count` token answers arrive cut off: HTTP 200 with half a JSON body. */
  truncateNextTokenResponses(count: number): void;
  /** Replaces the fault configuration at run time (undefined: no faults) and restarts the draws from its seed. */
  setFaults(faults: FaultOptions | undefined): void;
  /**
   * Faults actually injected, per kind: the six FaultOptions kinds, plus `session_expired` (401s
   * caused by sessionExpiresEvery) and `query_timeout` (400s caused by queryTimeoutWindowMs).
   */
  readonly faultsInjected: Record<string, number>;
  /**
   * The next `times` requests matching `target` (Infinity: all of them) get `behaviour`. Calls queue
   * up per target; a request takes from its own target's queue first, then from `any`'s. Throws at
   * once on a behaviour the target cannot have. See README.md, "Misbehaviour".
   */
  misbehave(target: MisbehaviourTarget, behaviour: Misbehaviour, times?: number): void;
  /** How many misbehaviours (of `kind`, or of every kind) were actually applied. */
  misbehaviourCount(kind?: MisbehaviourKind): number;
  /** Forgets every misbehaviour still queued. */
  clearMisbehaviours(): void;
}

export const DEFAULT_CLIENT: EmulatorClient = { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' };

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Every TCP connection a server accepted and has not closed yet. */
function trackConnections(server: Server): Set<Socket> {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return open;
}

/**
 * Closes the listener and every connection. Not through http's close(): after a TCP reset (the
 * `reset` fault) Node can keep a connection whose socket it already freed, and its idle-connection
 * sweep then throws on it; destroying the sockets we tracked ourselves cannot.
 */
function closeServer(server: Server, open: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    NetServer.prototype.close.call(server, () => resolve());
    for (const socket of open) socket.destroy();
  });
}

/** The org's objects: the ones named, then the custom and generated ones the options add. */
function orgObjects(opts: EmulatorOptions): SObjectName[] {
  for (const custom of opts.customObjects ?? []) defineCustomObject(custom);
  const objects = [...(opts.objects ?? SOBJECT_NAMES)];
  for (const custom of opts.customObjects ?? []) if (!objects.includes(custom.name)) objects.push(custom.name);
  if (opts.generatedObjects) objects.push(...defineGeneratedObjects(opts.generatedObjects.count, opts.generatedObjects.fields));
  for (const object of objects) if (!isDefined(object)) throw new Error(`The emulator defines no object named ${object}`);
  return objects;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const store = new OrgStore(opts.seed ?? 42, opts.counts ?? {}, opts.longTextChars, new OrgClock(opts.clockAheadMs ?? 0));
  const access = new OrgAccess({ ...opts, objects: orgObjects(opts) });
  const tokens = new TokenService(
    opts.clients ?? [DEFAULT_CLIENT],
    { ttlRequests: opts.tokenTtlRequests, ttlMs: opts.tokenTtlMs },
    {
      orgId: store.orgId,
      userId: store.runAsUserId,
    },
  );
  const cursors = new CursorStore();
  const bulk = new BulkJobs(store, access, {
    unsupportedObjects: new Set(opts.bulkUnsupportedObjects ?? []),
    queryAllUnsupported: new Set(opts.queryAllUnsupportedObjects ?? []),
    pollsBeforeComplete: opts.bulkPollsBeforeComplete ?? 0,
    failures: opts.bulkFailures,
    resultPageRows: opts.bulkResultPageRows,
    resultPages: opts.bulkResultPages,
    runAsUserId: store.runAsUserId,
  });
  const deletes = new DeleteLog(new Set(opts.getDeletedUnsupportedObjects ?? []), opts.deletedIdLimit);
  const faults = new FaultInjector(opts.faults);
  const misbehaviours = new Misbehaviours();
  const tcp = new TcpSockets();
  tokens.faultTtlRequests = opts.faults?.sessionExpiresEvery;
  const state: ServerState = {
    store,
    access,
    tokens,
    cursors,
    bulk,
    deletes,
    myDomain: opts.myDomain ?? true,
    sandbox: opts.sandbox ?? false,
    instanceUrl: opts.instanceUrl,
    clock: store.clock,
    dateHeader: opts.dateHeader ?? 'org',
    maxBatchSize: opts.maxBatchSize ?? 2000,
    dailyApiLimit: opts.dailyApiLimit ?? 15000,
    queryTimeoutRows: opts.queryTimeoutRows ?? null,
    queryAllUnsupported: new Set(opts.queryAllUnsupportedObjects ?? []),
    pendingFailures: [],
    pendingTokenTruncations: 0,
    faults,
    misbehaviours,
    tcp,
    gzip: opts.gzip ?? true,
    answering: 0,
    downloads: { now: 0, peak: 0 },
    queries: { now: 0, peak: 0 },
    recordQueries: { now: 0, peak: 0 },
    linkBytes: () => 0,
    url: '',
    hostname: '',
    apiCalls: 0,
    requests: [],
  };
  const handler = createRequestHandler(state);
  const tls = opts.https ? await loopbackCertificate() : null;
  const connections = new Map<Server, Set<Socket>>();
  const make = () => {
    const server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
    tcp.watch(server);
    connections.set(server, trackConnections(server));
    return server;
  };

  const primary = make();
  const port = await listen(primary, opts.port ?? 0, '127.0.0.1');
  // 'localhost' may resolve to ::1 first; answer there too when the host has IPv6 loopback.
  const secondary = make();
  const servers = [primary];
  try {
    await listen(secondary, port, '::1');
    servers.push(secondary);
  } catch {
    // No IPv6 loopback (or the port is taken there): IPv4 alone is enough.
  }
  // Behind a link, clients (and the instance_url they are given) reach the org through it.
  const link = opts.link ? await startLink(port, opts.link) : undefined;
  if (link) state.linkBytes = () => link.bytesToClients;
  const reachable = link?.port ?? port;
  state.hostname = `localhost:${reachable}`;
  state.url = tls ? `https://localhost:${reachable}` : `http://127.0.0.1:${reachable}`;

  const copy = (r: SRecord): Record<string, unknown> => r;
  return {
    url: state.url,
    hostname: state.hostname,
    port: reachable,
    caFile: tls?.caFile,
    get apiCalls() {
      return state.apiCalls;
    },
    get tokensIssued() {
      return tokens.issued;
    },
    get requests() {
      return state.requests;
    },
    records: (object, o) => store.records(object, o?.includeDeleted ?? false).map(copy),
    insert: (object, fields) => copy(store.insert(object, fields)),
    update: (object, id, fields) => copy(store.update(object, id, fields)),
    softDelete: (object, id) => copy(store.softDelete(object, id)),
    lateCommit: (object, ms, fields) => copy(store.lateCommit(object, ms, fields)),
    purge: (object, id, deletedAt) => {
      const row = store.remove(object, id);
      const at =
        row.IsDeleted === true && typeof row.SystemModstamp === 'string' ? parseStoredDateTime(row.SystemModstamp) : (deletedAt ?? store.deletionTime(object));
      deletes.record(object, id, at);
    },
    hardDelete: (object, id, deletedAt) => {
      store.remove(object, id);
      deletes.record(object, id, deletedAt ?? store.deletionTime(object));
    },
    emptyRecycleBin: (object, at = store.clock.now()) => {
      for (const row of store.records(object, true)) if (row.IsDeleted === true) store.remove(object, String(row.Id));
      deletes.empty(object, at);
    },
    setDeleteLogLagMs: (ms) => {
      deletes.lagMs = ms;
    },
    orgNow: () => store.clock.now(),
    setClockAheadMs: (ms) => {
      store.clock.aheadMs = ms;
    },
    recalculate: (object, id, fields) => copy(store.recalculate(object, id, fields)),
    revokeObject: (object) => access.revoke(object),
    grantObject: (object) => access.grant(object),
    hideField: (object, field) => access.hideField(object, field),
    setApiDisabled: (disabled) => {
      access.apiDisabled = disabled;
    },
    expireTokens: () => tokens.expireAll(),
    issueRefreshToken: (clientId = (opts.clients ?? [DEFAULT_CLIENT])[0].clientId) => tokens.issueRefreshToken(clientId),
    revokeRefreshToken: (token) => tokens.revokeRefreshToken(token),
    get refreshTokenRotations() {
      return tokens.rotations;
    },
    get bulkJobsFailed() {
      return bulk.failed;
    },
    get bulkQueries() {
      return bulk.queries;
    },
    get bulkJobsCreated() {
      return bulk.created;
    },
    get answering() {
      return state.answering;
    },
    get bulkDownloadsPeak() {
      return state.downloads.peak;
    },
    get restQueriesPeak() {
      return state.queries.peak;
    },
    get restRecordQueriesPeak() {
      return state.recordQueries.peak;
    },
    expireQueryLocators: () => cursors.clear(),
    setQueryTimeoutRows: (rows) => {
      state.queryTimeoutRows = rows;
    },
    failNextRequests: (count, status = 503) => {
      for (let i = 0; i < count; i++) state.pendingFailures.push(status);
    },
    truncateNextTokenResponses: (count) => {
      state.pendingTokenTruncations += count;
    },
    setFaults: (next) => {
      faults.configure(next);
      tokens.faultTtlRequests = next?.sessionExpiresEvery;
    },
    get faultsInjected() {
      return { ...faults.counts, session_expired: tokens.faultExpiries };
    },
    misbehave: (target, behaviour, times = 1) => misbehaviours.add(target, behaviour, times),
    misbehaviourCount: (kind) => misbehaviours.count(kind),
    clearMisbehaviours: () => misbehaviours.clear(),
    close: async () => {
      cursors.clear();
      bulk.clear();
      await link?.close();
      await Promise.all(servers.map((server) => closeServer(server, connections.get(server)!)));
      tls?.release();
    },
  };
}
