/** Assembles store, access rules, tokens and routes into a listening loopback server. */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import type { SObjectName, SRecord } from './field-catalog.js';
import { TokenService, type EmulatorClient } from './oauth.js';
import { OrgAccess } from './org-access.js';
import { OrgStore } from './org-store.js';
import { CursorStore } from './query-cursors.js';
import { BulkJobs } from './bulk-jobs.js';
import { FaultInjector, type FaultOptions } from './faults.js';
import { Misbehaviours, type Misbehaviour, type MisbehaviourKind, type MisbehaviourTarget } from './misbehaviour.js';
import { createRequestHandler, type RequestLogEntry, type ServerState } from './server.js';
import { TcpSockets } from './tcp-sockets.js';
import { loopbackCertificate } from './tls.js';

export interface EmulatorOptions {
  https?: boolean;
  port?: number;
  clients?: EmulatorClient[];
  seed?: number;
  counts?: Partial<Record<SObjectName, number>>;
  grantedObjects?: SObjectName[];
  apiDisabled?: boolean;
  hiddenFields?: Partial<Record<SObjectName, string[]>>;
  tokenTtlRequests?: number;
  tokenTtlMs?: number;
  myDomain?: boolean;
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
  /** Latency, seeded transient faults, session expiry and window-width query timeouts; off by default. */
  faults?: FaultOptions;
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
  revokeObject(object: SObjectName): void;
  grantObject(object: SObjectName): void;
  hideField(object: SObjectName, field: string): void;
  setApiDisabled(disabled: boolean): void;
  expireTokens(): void;
  close(): Promise<void>;
  // Failure injection, beyond the connector's contract.
  readonly bulkJobsCreated: number;
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

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const store = new OrgStore(opts.seed ?? 42, opts.counts ?? {}, opts.longTextChars);
  const access = new OrgAccess(opts);
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
    pollsBeforeComplete: opts.bulkPollsBeforeComplete ?? 0,
    runAsUserId: store.runAsUserId,
  });
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
    myDomain: opts.myDomain ?? true,
    maxBatchSize: opts.maxBatchSize ?? 2000,
    dailyApiLimit: opts.dailyApiLimit ?? 15000,
    queryTimeoutRows: opts.queryTimeoutRows ?? null,
    pendingFailures: [],
    pendingTokenTruncations: 0,
    faults,
    misbehaviours,
    tcp,
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
  state.hostname = `localhost:${port}`;
  state.url = tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;

  const copy = (r: SRecord): Record<string, unknown> => r;
  return {
    url: state.url,
    hostname: state.hostname,
    port,
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
    revokeObject: (object) => access.revoke(object),
    grantObject: (object) => access.grant(object),
    hideField: (object, field) => access.hideField(object, field),
    setApiDisabled: (disabled) => {
      access.apiDisabled = disabled;
    },
    expireTokens: () => tokens.expireAll(),
    get bulkJobsCreated() {
      return bulk.created;
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
      await Promise.all(servers.map((server) => closeServer(server, connections.get(server)!)));
      tls?.release();
    },
  };
}
