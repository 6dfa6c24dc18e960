/**
 * The org's clock. A real org's clock need not agree with the machine that reads it (a host that
 * slept, a VM without NTP): `aheadMs` skews this one both ways (negative: behind), and everything the
 * org stamps or judges by time uses it: answers' Date headers, SystemModstamps of changes, deletion
 * times, Get Deleted's windows and latestDateCovered, Bulk job stamps, JWT expiry, TODAY.
 */
export class OrgClock {
  constructor(public aheadMs = 0) {}

  now(): number {
    return Date.now() + this.aheadMs;
  }
}

/**
 * Whose clock an answer's Date header shows: the org's; none, as behind a proxy that strips the
 * header; or a proxy's own, which reads this machine's clock and not the org's.
 */
export type DateHeader = 'org' | 'none' | 'proxy';

/** The Date header an answer carries, or undefined for none. */
export function dateHeaderValue(kind: DateHeader, clock: OrgClock): string | undefined {
  if (kind === 'none') return undefined;
  return new Date(kind === 'org' ? clock.now() : Date.now()).toUTCString();
}
