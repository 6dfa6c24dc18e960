/**
 * A loopback Salesforce that answers with recorded bodies (recordings.ts), so that the connector
 * meets real answers over real HTTP. It only serves what was recorded: a query whose object and
 * columns match no recording, or that filters, is refused (400, naming the replay), so a test can
 * never pass on answers made up here.
 *
 * What it does to a recording, and why:
 * - Query records come in the order the connector's ORDER BY asks for (SystemModstamp, then Id):
 *   the recorded queries ordered by SystemModstamp alone, so their ties are in no Id order, and
 *   serving them as the answer to the connector's query would be a wrong answer, not a real one.
 *   Pages keep the recorded sizes, totalSize and locators.
 * - A query on a subset of a recording's columns gets those columns of its records (and LIMIT), as
 *   Salesforce would; an object with no recorded query gets the recorded answer of a query that
 *   found nothing. A query from a saved cursor (`WHERE SystemModstamp >= …`, nothing else) gets
 *   the recorded records from that stamp on, in one page.
 * - Nango's bodies were JSON-parsed by its recorder, so their bytes are ours to choose: `pretty`
 *   writes them as Salesforce does for `X-PrettyPrint: 1` (the cassettes' `"key" : value` form).
 *
 * The suites load it natively (see helpers/native.ts): it sorts, slices and writes pages of 2,000
 * records, several times slower in Jest's context.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { salesforcePretty } from '../emulator/pretty-json.js';
import { soqlParts, type RecordedQuery } from './recordings.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded answers

export interface RecordedAnswer {
  status: number;
  body: string;
}

export interface ReplayScript {
  /** `GET /services/data` */
  versions: string;
  /** `GET …/sobjects` */
  globalDescribe: string;
  /** `GET …/sobjects/{Name}/describe` (and as Composite subrequests), as raw text; undefined for an object with none */
  describes: Pick<ReadonlyMap<string, string>, 'get'>;
  /** recorded failures answering an object's describe (directly and as a Composite subrequest) */
  failedDescribes?: ReadonlyMap<string, RecordedAnswer>;
  /** the answer to a describe of an object with none recorded (a recorded NOT_FOUND) */
  notFound: RecordedAnswer;
  /** the answer to a query that found nothing */
  emptyQuery: string;
  queries: readonly RecordedQuery[];
  /** query pages written the way Salesforce pretty-prints them */
  pretty?: boolean;
  /** the token endpoint's answer instead of a token */
  token?: RecordedAnswer;
  /** the answer to Get Deleted (`…/sobjects/{Name}/deleted/`), whatever the object and window */
  deleted?: string;
  /** the answer to every call under /services/data/vNN.N/ instead of the real one */
  everyDataCall?: RecordedAnswer;
  /** the answer to the first page of every query instead of the real one */
  everyQuery?: RecordedAnswer;
}

export interface ReplayedRequest {
  method: string;
  path: string;
  soql?: string;
}

export interface ReplayServer {
  url: string;
  /** what the config's `hostname` takes */
  hostname: string;
  script: ReplayScript;
  requests: ReplayedRequest[];
  close(): Promise<void>;
}

const DATA = /^\/services\/data\/v\d+\.\d+(\/.*)$/;

export async function startReplayServer(script: ReplayScript): Promise<ReplayServer> {
  const requests: ReplayedRequest[] = [];
  /** per recording, the records in the order the last first-page request asked for */
  const ordered = new Map<RecordedQuery, Json[]>();
  let origin = '';

  const json = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const refuse = (res: ServerResponse, why: string) =>
    json(res, 400, JSON.stringify([{ message: `replay server: ${why} (no recording answers this)`, errorCode: 'MALFORMED_QUERY' }]));

  const page = (query: RecordedQuery, index: number): string => {
    const records = ordered.get(query)!;
    const start = query.pages.slice(0, index).reduce((n: number, p: Json) => n + p.records.length, 0);
    const body = { ...query.pages[index], records: records.slice(start, start + query.pages[index].records.length) };
    return script.pretty ? salesforcePretty(body) : JSON.stringify(body);
  };

  const onePage = (res: ServerResponse, records: Json[]) => {
    if (records.length > 2000) return refuse(res, 'an answer longer than one page');
    const body = { totalSize: records.length, done: true, records };
    return json(res, 200, script.pretty ? salesforcePretty(body) : JSON.stringify(body));
  };

  const firstPage = (res: ServerResponse, soql: string) => {
    const where = /\sWHERE\s+(.+?)(?:\s+ORDER BY\s.*|\s+LIMIT\s.*)?$/i.exec(soql)?.[1];
    const since = where === undefined ? undefined : /^SystemModstamp >= (\S+)$/.exec(where)?.[1];
    if (where !== undefined && since === undefined) return refuse(res, `a query filtered on ${where}`);
    const { fields, object } = soqlParts(soql);
    const candidates = script.queries.filter((q) => q.object === object);
    if (!candidates.length) return json(res, 200, script.emptyQuery);
    const whole = candidates.find((q) => sameSet(q.fields, fields));
    const order = (/\sORDER BY\s+(.+?)(?:\s+LIMIT\s+\d+)?\s*$/i.exec(soql)?.[1] ?? '')
      .split(',')
      .map((term) => term.trim().split(/\s+/)[0])
      .filter(Boolean);
    const sorted = (query: RecordedQuery) =>
      sortRecords(
        query.pages.flatMap((p: Json) => p.records),
        order,
      );
    if (whole && since !== undefined) {
      // An incremental read from a saved cursor: the recorded records from it on.
      const from = Date.parse(since);
      return onePage(
        res,
        sorted(whole).filter((r: Json) => Date.parse(String(r.SystemModstamp).replace(/\+0000$/, 'Z')) >= from),
      );
    }
    if (whole) {
      ordered.set(whole, sorted(whole));
      return json(res, 200, page(whole, 0));
    }
    const wider = since === undefined ? candidates.find((q) => fields.every((f) => q.fields.includes(f))) : undefined;
    if (!wider) return refuse(res, `a query of ${object} on columns ${fields.join(',')}`);
    const limit = Number(/\sLIMIT\s+(\d+)\s*$/i.exec(soql)?.[1] ?? Infinity);
    return onePage(
      res,
      sorted(wider)
        .slice(0, limit)
        .map((r: Json) => Object.fromEntries([['attributes', r.attributes], ...fields.map((f) => [f, r[f]])])),
    );
  };

  const moreRecords = (res: ServerResponse, path: string) => {
    for (const query of script.queries) {
      const index = query.locators.indexOf(path);
      if (index >= 0 && ordered.has(query)) return json(res, 200, page(query, index + 1));
    }
    json(res, 404, JSON.stringify([{ message: 'replay server: no recorded page at this locator', errorCode: 'INVALID_QUERY_LOCATOR' }]));
  };

  const describeAnswer = (object: string): RecordedAnswer => {
    const failed = script.failedDescribes?.get(object);
    if (failed) return failed;
    const text = script.describes.get(object);
    return text ? { status: 200, body: text } : script.notFound;
  };

  const composite = (res: ServerResponse, body: Json) => {
    const parts = (body?.compositeRequest ?? []).map((sub: Json) => {
      const object = /\/sobjects\/([^/]+)\/describe$/.exec(sub.url)?.[1];
      const { status, body: text } = describeAnswer(object ? decodeURIComponent(object) : '');
      return `{"body":${text},"httpHeaders":{},"httpStatusCode":${status},"referenceId":${JSON.stringify(sub.referenceId)}}`;
    });
    json(res, 200, `{"compositeResponse":[${parts.join(',')}]}`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const body = await readBody(req);
    const soql = url.searchParams.get('q') ?? undefined;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, ...(soql ? { soql } : {}) });
    if (url.pathname === '/services/oauth2/token' && req.method === 'POST') {
      if (script.token) return json(res, script.token.status, script.token.body);
      return json(res, 200, JSON.stringify({ access_token: 'replay-access-token', instance_url: origin, token_type: 'Bearer', issued_at: '1778068604000' }));
    }
    if (/^\/services\/data\/?$/.test(url.pathname)) return json(res, 200, script.versions);
    const data = DATA.exec(url.pathname)?.[1];
    if (data === undefined) return json(res, 404, JSON.stringify([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]));
    if (script.everyDataCall) return json(res, script.everyDataCall.status, script.everyDataCall.body);
    if (data === '/sobjects' || data === '/sobjects/') return json(res, 200, script.globalDescribe);
    const described = /^\/sobjects\/([^/]+)\/describe\/?$/.exec(data)?.[1];
    if (described) {
      const answer = describeAnswer(decodeURIComponent(described));
      return json(res, answer.status, answer.body);
    }
    if (data === '/composite' && req.method === 'POST') return composite(res, JSON.parse(body || '{}'));
    if ((data === '/query' || data === '/queryAll' || data === '/query/' || data === '/queryAll/') && soql) {
      if (script.everyQuery) return json(res, script.everyQuery.status, script.everyQuery.body);
      return firstPage(res, soql);
    }
    if (/^\/query(All)?\/[^/]+$/.test(data)) return moreRecords(res, url.pathname);
    if (/^\/sobjects\/[^/]+\/deleted\/?$/.test(data) && script.deleted) return json(res, 200, script.deleted);
    json(res, 404, JSON.stringify([{ message: `replay server: nothing recorded for ${req.method} ${url.pathname}`, errorCode: 'NOT_FOUND' }]));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, JSON.stringify([{ message: String(error), errorCode: 'UNKNOWN_EXCEPTION' }])));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    hostname: origin,
    script,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Stable sort on the ORDER BY columns, ascending, as text (the recorded stamps all share one form). */
function sortRecords(records: Json[], order: readonly string[]): Json[] {
  const key = (r: Json, f: string) => (r[f] === null || r[f] === undefined ? '' : String(r[f]));
  return [...records].sort((a, b) => {
    for (const f of order) {
      const x = key(a, f);
      const y = key(b, f);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
