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
