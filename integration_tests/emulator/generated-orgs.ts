/**
 * Orgs generated in this process, by seed, sizes and long-text width: generating one costs a hundred
 * times more than copying it, and the test suites start many emulators of the same few orgs. Only
 * small orgs are kept (a benchmark's million records would double its memory), and only a few.
 */
import type { GenContext } from './data-generator.js';
import type { SObjectName, SRecord } from './field-catalog.js';

export interface GeneratedOrg {
  rows: Map<SObjectName, SRecord[]>;
  ctx: GenContext;
}

const GENERATED = new Map<string, GeneratedOrg>();
const CACHED_ORGS = 16;
const CACHED_ORG_MAX_RECORDS = 50_000;

export const generatedOrgKey = (seed: number, sizes: readonly number[], longTextChars: number) => JSON.stringify([seed, sizes, longTextChars]);

/** A copy of the org generated before under `key`, if one is kept. */
export function generatedOrg(key: string): GeneratedOrg | undefined {
  const org = GENERATED.get(key);
  return org && copyOrg(org);
}

/** Keeps a copy of a freshly generated org of `records` rows in all, if it is small enough. */
export function keepGeneratedOrg(key: string, records: number, org: GeneratedOrg): void {
  if (records > CACHED_ORG_MAX_RECORDS) return;
  if (GENERATED.size >= CACHED_ORGS) GENERATED.delete(GENERATED.keys().next().value!);
  GENERATED.set(key, copyOrg(org));
}

/** Forgets the orgs generated so far, so the next one is generated again (the determinism test). */
export function forgetGeneratedOrgs(): void {
  GENERATED.clear();
}

/** Records hold only primitives, so a shallow copy of each is a deep one. */
function copyOrg({ rows, ctx }: GeneratedOrg): GeneratedOrg {
  return {
    rows: new Map([...rows].map(([object, list]) => [object, list.map((r) => ({ ...r }))])),
    ctx: {
      ...ctx,
      users: [...ctx.users],
      accounts: [...ctx.accounts],
      contacts: ctx.contacts.map((c) => ({ ...c })),
      opportunities: [...ctx.opportunities],
    },
  };
}
