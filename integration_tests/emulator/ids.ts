/**
 * Salesforce record Ids: a 3-character key prefix, a 12-character body, and the 3-character
 * case-safety suffix that turns the case-sensitive 15-character form into the 18-character form
 * the API always returns.
 */

export const KEY_PREFIX = {
  Account: '001',
  Contact: '003',
  Lead: '00Q',
  Opportunity: '006',
  Case: '500',
  User: '005',
  Organization: '00D',
  Profile: '00e',
  UserRole: '00E',
  RecordType: '012',
  QueryLocator: '01g',
  BulkJob: '750',
} as const;

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
// ASCII order (digits < upper < lower) so that binary string order of generated Ids equals counter order.
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The 3-character suffix: per 5-char chunk, a bitmask of which characters are upper-case letters. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

export function to18(id15: string): string {
  return id15 + caseSafeSuffix(id15);
}

/** Accepts a 15- or 18-character Id literal; returns the 18-character form, or null when it is not an Id. */
export function normalizeId(raw: string): string | null {
  if (!/^[a-zA-Z0-9]+$/.test(raw)) return null;
  if (raw.length === 15) return to18(raw);
  if (raw.length === 18) {
    // The suffix is case-insensitive, the body is not: rebuild the suffix from the body.
    const body = raw.slice(0, 15);
    return caseSafeSuffix(body) === raw.slice(15).toUpperCase() ? to18(body) : null;
  }
  return null;
}

/**
 * An Id for the n-th record of a prefix. The "8d" pod marker and the "0" keep the shape of real Ids
 * (`001` + pod + zeros + counter); the counter is base-62 so 9 digits cover every benchmark size.
 */
export function makeId(prefix: string, n: number): string {
  let body = '';
  let v = n;
  for (let i = 0; i < 9; i++) {
    body = BASE62[v % 62] + body;
    v = Math.floor(v / 62);
  }
  return to18(`${prefix}8d0${body}`);
}

/** Random 15-char body for one-off Ids (query locators) from a byte source. */
export function randomId(prefix: string, bytes: Uint8Array): string {
  let body = '';
  for (let i = 0; i < 12; i++) body += BASE62[bytes[i % bytes.length] % 62];
  return to18(prefix + body);
}
