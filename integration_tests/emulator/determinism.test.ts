import { describe, expect, it } from '@jest/globals';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));
const { forgetGeneratedOrgs } = nativeImport<typeof import('./generated-orgs.js')>(new URL('./generated-orgs.js', import.meta.url));

const COUNTS = { Account: 60, Contact: 80, Lead: 40, Opportunity: 40, Case: 40, User: 10 };

describe('generated data', () => {
  it('is identical for the same seed and different for another', async () => {
    // Each org generated afresh, not copied from the one before (org-store.ts keeps generated orgs).
    const fresh = async (seed: number) => {
      forgetGeneratedOrgs();
      return startEmulator({ seed, counts: COUNTS });
    };
    const a = await fresh(3);
    const b = await fresh(3);
    const c = await fresh(4);
    try {
      for (const object of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const) {
        expect(a.records(object, { includeDeleted: true })).toEqual(b.records(object, { includeDeleted: true }));
      }
      expect(a.records('Account')).not.toEqual(c.records('Account'));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('started again from the same seed is a copy: a change to one org leaves the other as generated', async () => {
    const [a, b] = [await startEmulator({ seed: 5, counts: COUNTS }), await startEmulator({ seed: 5, counts: COUNTS })];
    try {
      const before = b.records('Account', { includeDeleted: true });
      const first = before[0].Id as string;
      a.update('Account', first, { Name: 'Changed in one org' });
      a.insert('Account');
      expect(a.records('Account', { includeDeleted: true })).not.toEqual(before);
      expect(b.records('Account', { includeDeleted: true })).toEqual(before);
      const c = await startEmulator({ seed: 5, counts: COUNTS });
      expect(c.records('Account', { includeDeleted: true })).toEqual(before);
      await c.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('honours counts and lives in the past, with valid references and checksummed Ids', async () => {
    const emu = await startEmulator({ counts: COUNTS });
    try {
      const all = (o: 'Account' | 'Contact' | 'Lead' | 'Opportunity' | 'Case' | 'User') => emu.records(o, { includeDeleted: true });
      for (const [object, n] of Object.entries(COUNTS)) expect(all(object as 'Account').length).toBe(n);
      const users = new Set(all('User').map((r) => r.Id));
      const accounts = new Set(all('Account').map((r) => r.Id));
      // Listed at once: an expect() per record and rule cost more than generating the orgs.
      const wrong = all('Contact').flatMap((c) =>
        [
          !users.has(c.OwnerId) && 'OwnerId is no User',
          c.AccountId !== null && !accounts.has(c.AccountId) && 'AccountId is no Account',
          !(String(c.SystemModstamp) >= '2023-01-01' && String(c.SystemModstamp) < '2025-07-01') && 'SystemModstamp out of the past',
          !(String(c.CreatedDate) <= String(c.SystemModstamp)) && 'created after its SystemModstamp',
          !(String(c.LastModifiedDate) <= String(c.SystemModstamp)) && 'modified after its SystemModstamp',
        ]
          .filter(Boolean)
          .map((rule) => `${String(c.Id)}: ${rule}`),
      );
      expect(wrong).toEqual([]);
      expect(all('User').every((u) => !('IsDeleted' in u) && !('OwnerId' in u))).toBe(true);
      expect(all('Account').every((r) => typeof r.Credit_Score__c === 'number')).toBe(true);
      expect(all('Contact').some((r) => r.Email === null)).toBe(true);
      for (const [object, prefix] of [
        ['Account', '001'],
        ['Contact', '003'],
        ['Lead', '00Q'],
        ['Opportunity', '006'],
        ['Case', '500'],
        ['User', '005'],
      ] as const) {
        expect(all(object).filter((r) => !String(r.Id).startsWith(prefix))).toEqual([]);
      }
    } finally {
      await emu.close();
    }
  });

  it('computes the case-safe Id suffix like Salesforce', async () => {
    const { to18 } = await import('./ids.js');
    expect(to18('003G000001SUbc4')).toBe('003G000001SUbc4IAD');
    expect(to18('a0BA0000000L2ZC')).toBe('a0BA0000000L2ZCMA0');
  });
});
