import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from './index.js';
import { call, mintToken, soqlPath, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

let emu: Emulator;
let token: string;

beforeAll(async () => {
  emu = await startEmulator({
    objects: ['Account', 'AccountHistory', 'OrgUsageSnapshot', 'ProcessWorkitemSummary', 'UserLicense'],
    counts: { AccountHistory: 12, UserLicense: 3 },
    queryAllUnsupportedObjects: ['UserLicense'],
    generatedObjects: { count: 30, fields: 20 },
  });
  token = await mintToken(emu);
});
afterAll(() => emu.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a Composite answer, checked field by field below
async function composite(body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.url}${V}/composite`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('objects beyond the six', () => {
  it('lists the org objects, generated ones included, and flags the one that is not queryable', async () => {
    const reply = await call(emu, `${V}/sobjects`, token);
    const sobjects = (reply.body as { sobjects: { name: string; queryable: boolean }[] }).sobjects;
    expect(sobjects).toHaveLength(35);
    expect(sobjects.find((o) => o.name === 'ProcessWorkitemSummary')?.queryable).toBe(false);
    expect(sobjects.at(-1)?.name).toBe('Generated_0029__c');
  });

  it('answers Composite describes each with its own status, metered as one call', async () => {
    const before = emu.apiCalls;
    const reply = await composite({
      allOrNone: false,
      compositeRequest: [
        { method: 'GET', url: `${V}/sobjects/AccountHistory/describe`, referenceId: 'a' },
        { method: 'GET', url: `${V}/sobjects/Nope__c/describe`, referenceId: 'b' },
        { method: 'GET', url: `${V}/sobjects/Generated_0003__c/describe`, referenceId: 'c' },
      ],
    });
    expect(reply.status).toBe(200);
    expect(emu.apiCalls - before).toBe(1);
    const [history, missing, generated] = reply.body.compositeResponse;
    expect(history.httpStatusCode).toBe(200);
    const fields = history.body.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`);
    expect(fields).toEqual(expect.arrayContaining(['CreatedDate:datetime', 'OldValue:anyType', 'NewValue:anyType']));
    expect(fields.some((f: string) => f.startsWith('SystemModstamp:') || f.startsWith('LastModifiedDate:'))).toBe(false);
    expect(missing).toMatchObject({ httpStatusCode: 404, referenceId: 'b', body: [{ errorCode: 'NOT_FOUND' }] });
    expect(generated.body.fields).toHaveLength(20);
  });

  it('refuses more than 25 subrequests', async () => {
    const compositeRequest = Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: `${V}/sobjects/Account/describe`, referenceId: `r${i}` }));
    const reply = await composite({ compositeRequest });
    expect(reply.status).toBe(400);
  });

  it('orders a history object by CreatedDate, refuses queryAll where told, and serves a row without Id', async () => {
    const history = await call(emu, soqlPath('SELECT Id, CreatedDate FROM AccountHistory ORDER BY CreatedDate ASC, Id ASC', true), token);
    const stamps = (history.body as { records: { CreatedDate: string }[] }).records.map((r) => r.CreatedDate);
    expect(stamps).toHaveLength(12);
    expect([...stamps].sort()).toEqual(stamps);
    const refused = await call(emu, soqlPath('SELECT Id FROM UserLicense', true), token);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual([{ errorCode: 'EXTERNAL_OBJECT_UNSUPPORTED_EXCEPTION', message: 'Getting all UserLicense is unsupported' }]);
    expect((await call(emu, soqlPath('SELECT Id FROM UserLicense'), token)).status).toBe(200);
    const snapshot = await call(emu, soqlPath('SELECT Metric, Value FROM OrgUsageSnapshot LIMIT 1'), token);
    expect((snapshot.body as { records: unknown[] }).records[0]).toMatchObject({ attributes: { type: 'OrgUsageSnapshot' } });
    const notQueryable = await call(emu, soqlPath('SELECT Id FROM ProcessWorkitemSummary'), token);
    expect((notQueryable.body as { errorCode: string }[])[0].errorCode).toBe('INVALID_TYPE_FOR_OPERATION');
  });
});
