/**
 * Every URL a call goes to is parsed against the configured origin, never glued to it: a next-page
 * URL or job id from the server is only followed when it stays on that origin and under the data
 * API, so no answer can move a request (and its Bearer token) to another host or resource.
 */
import { UnsafeUrlError } from './failures.js';

const DATA_API = '/services/data/';

/** What a refused value is shown as: its path only (a host or query could carry anything). */
function shownPath(value: string): string {
  const path = value.split(/[?#]/)[0];
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}

/** `target` (a path, or an absolute URL on the same origin) as a URL under the org's data API. */
export function dataApiUrl(origin: string, target: string, what = 'URL'): URL {
  let url: URL;
  try {
    url = new URL(target, `${origin}/`);
  } catch {
    throw new UnsafeUrlError(what, shownPath(target), undefined);
  }
  // URL() has already resolved dot segments (also percent-encoded ones) and backslashes here.
  if (url.origin !== origin || url.username || url.password || !url.pathname.startsWith(DATA_API)) {
    throw new UnsafeUrlError(what, shownPath(url.pathname), url.origin === origin ? undefined : url.origin);
  }
  return url;
}

/** A Salesforce record or job Id: 15 or 18 letters and digits, nothing that could change a path. */
export function isSalesforceId(value: unknown): value is string {
  return typeof value === 'string' && /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value);
}
