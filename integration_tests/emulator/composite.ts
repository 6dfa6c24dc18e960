/**
 * `POST …/composite`, apart from the routing: the subrequests are answered by the router itself
 * (`run`), one after the other, each with its own status in the one answer.
 */
import type { IncomingMessage } from 'node:http';
import { notFound, SalesforceError } from './errors.js';

/** Answers one subrequest as the router would a request (a thrown SalesforceError is its status). */
export type Subrequest = (req: IncomingMessage, url: URL, version: string, rest: string) => Promise<unknown>;

/** Salesforce's limit of subrequests in one Composite request. */
const MAX_SUBREQUESTS = 25;

/**
 * `POST …/composite`: up to 25 subrequests answered in one body, each with its own status; the
 * whole request is metered as one call. The emulator runs GET subrequests (describes, queries).
 */
export async function composite(version: string, readBody: () => Promise<string>, run: Subrequest): Promise<unknown> {
  let body: { compositeRequest?: Array<{ method?: string; url?: string; referenceId?: string }> };
  try {
    body = JSON.parse(await readBody()) as typeof body;
  } catch {
    throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON.');
  }
  const requests = body?.compositeRequest;
  if (!Array.isArray(requests) || requests.length === 0) throw new SalesforceError(400, 'INVALID_API_INPUT', 'compositeRequest is required');
  if (requests.length > MAX_SUBREQUESTS) {
    throw new SalesforceError(400, 'INVALID_API_INPUT', `Composite requests may contain no more than ${MAX_SUBREQUESTS} subrequests.`);
  }
  const compositeResponse = [];
  for (const sub of requests) {
    const referenceId = sub.referenceId ?? '';
    try {
      const target = new URL(sub.url ?? '', 'http://emulator.invalid');
      const m = /^\/services\/data\/v(\d+)\.0(\/.*)$/.exec(target.pathname);
      if (!m || Number(m[1]) > Number(version)) throw notFound();
      const fake = { method: sub.method ?? 'GET', headers: {} } as IncomingMessage;
      const result = await run(fake, target, `${m[1]}.0`, m[2]);
      compositeResponse.push({ body: typeof result === 'string' ? JSON.parse(result) : result, httpHeaders: {}, httpStatusCode: 200, referenceId });
    } catch (err) {
      if (!(err instanceof SalesforceError)) throw err;
      compositeResponse.push({ body: err.body(), httpHeaders: {}, httpStatusCode: err.status, referenceId });
    }
  }
  return { compositeResponse };
}
