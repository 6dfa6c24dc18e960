/**
 * Describes many objects in few calls: 25 describes per Composite request (Salesforce's limit of
 * subrequests per call), several requests at a time. A Composite request counts as one call against
 * the org's daily API allocation whatever it holds, so discovering 1,000 objects costs about 40 calls
 * instead of 1,000. Each subrequest answers on its own: one object that fails to describe fails alone.
 */
import type { SalesforceClient } from '../api/client.js';
import { API_VERSION, DATA_PATH } from '../api/api-version.js';
import { parseErrorBody } from '../api/api-errors.js';
import { MalformedAnswerError, type SalesforceApiError } from '../api/failures.js';
import type { DescribeResult } from '../api/types.js';

/** Salesforce's limit of subrequests in one Composite request. */
export const DESCRIBES_PER_CALL = 25;

export type Described = { object: string; describe: DescribeResult } | { object: string; error: SalesforceApiError };

interface CompositeAnswer {
  compositeResponse?: Array<{ body?: unknown; httpStatusCode?: number; referenceId?: string }>;
}

async function describeChunk(client: SalesforceClient, objects: readonly string[]): Promise<Described[]> {
  const context = { action: `describe ${objects.length} objects` };
  const compositeRequest = objects.map((object, i) => ({
    method: 'GET',
    url: `${DATA_PATH}/sobjects/${encodeURIComponent(object)}/describe`,
    referenceId: `describe${i}`,
  }));
  const answer = await client.sendJson<CompositeAnswer>(`${DATA_PATH}/composite`, { method: 'POST', json: { allOrNone: false, compositeRequest }, context });
  const parts = answer?.compositeResponse;
  if (!Array.isArray(parts) || parts.length !== objects.length) throw new MalformedAnswerError('a Composite answer', 'compositeResponse list').in(context);
  return objects.map((object, i) => {
    const part = parts.find((p) => p?.referenceId === `describe${i}`) ?? parts[i];
    const status = part?.httpStatusCode ?? 0;
    const body = part?.body as DescribeResult | undefined;
    if (status === 200 && Array.isArray(body?.fields)) return { object, describe: body };
    return {
      object,
      error: parseErrorBody(status, JSON.stringify(part?.body ?? null), `/services/data/v${API_VERSION}/sobjects/${object}/describe`).in({
        object,
        action: `describe ${object}`,
      }),
    };
  });
}

/**
 * Describes of `objects`, in their order. `concurrency` Composite requests run at a time (the org
 * allows 25 long-running requests at once; describes are short). `onProgress` hears each finished chunk.
 */
export async function describeObjects(
  client: SalesforceClient,
  objects: readonly string[],
  concurrency: number,
  onProgress?: (done: number, total: number) => void,
): Promise<Described[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < objects.length; i += DESCRIBES_PER_CALL) chunks.push(objects.slice(i, i + DESCRIBES_PER_CALL));
  const results: Described[][] = new Array(chunks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      results[index] = await describeChunk(client, chunks[index]);
      done += chunks[index].length;
      onProgress?.(done, objects.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, chunks.length)) }, worker));
  return results.flat();
}
