import { describe, expect, it } from '@jest/globals';
import { startEmulator } from './index.js';

const COUNTS = { Account: 60, Contact: 80, Lead: 40, Opportunity: 40, Case: 40, User: 10 };

describe('generated data', () => {
  it('is identical for the same seed and different for another', async () => {
    const [a, b, c] = await Promise.all([
      startEmulator({ seed: 3, counts: COUNTS }),
      startEmulator({ seed: 3, counts: COUNTS }),
      startEmulator({ seed: 4, counts: COUNTS }),
    ]);
    try {
      for (const object of ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const) {
        expect(a.records(object, { includeDeleted: true })).toEqual(b.records(object, { includeDeleted: true }));
      }
      expect(a.records('Account')).not.toEqual(c.records('Account'));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('honours counts and lives in the past, with valid references and checksummed Ids', async () => {
    const emu = await startEmulator({ counts: COUNTS });
    try {
      const all = (o: 'Account' | 'Contact' | 'Lead' | 'Opportunity' | 'Case' | 'User') => emu.records(o, { includeDeleted: true });
      for (const [object, n] of Object.entries(COUNTS)) expect(all(object as 'Account').length).toBe(n);
      const users = new Set(all('User').map((r) => r.Id));
      const accounts = new Set(all('Account').map((r) => r.Id));
      for (const c of all('Contact')) {
        expect(users.has(c.OwnerId)).toBe(true);
        if (c.AccountId !== null) expect(accounts.has(c.AccountId)).toBe(true);
        expect(String(c.SystemModstamp) >= '2023-01-01' && String(c.SystemModstamp) < '2025-07-01').toBe(true);
        expect(String(c.CreatedDate) <= String(c.SystemModstamp)).toBe(true);
        expect(String(c.LastModifiedDate) <= String(c.SystemModstamp)).toBe(true);
      }
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
        for (const r of all(object)) expect(String(r.Id).startsWith(prefix)).toBe(true);
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
