import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator, SObjectName } from './index.js';
import { call, mintToken, V } from './test-support.js';
import { nativeImport } from '../helpers/native.js';

const { startEmulator } = nativeImport<typeof import('./index.js')>(new URL('./index.js', import.meta.url));

// Every key of the real v38 Id field object (salesforce-wire.md §3).
const FIELD_KEYS = [
  'aggregatable',
  'autoNumber',
  'byteLength',
  'calculated',
  'calculatedFormula',
  'cascadeDelete',
  'caseSensitive',
  'compoundFieldName',
  'controllerName',
  'createable',
  'custom',
  'defaultValue',
  'defaultValueFormula',
  'defaultedOnCreate',
  'dependentPicklist',
  'deprecatedAndHidden',
  'digits',
  'displayLocationInDecimal',
  'encrypted',
  'externalId',
  'extraTypeInfo',
  'filterable',
  'filteredLookupInfo',
  'groupable',
  'highScaleNumber',
  'htmlFormatted',
  'idLookup',
  'inlineHelpText',
  'label',
  'length',
  'mask',
  'maskType',
  'name',
  'nameField',
  'namePointing',
  'nillable',
  'permissionable',
  'picklistValues',
  'precision',
  'queryByDistance',
  'referenceTargetField',
  'referenceTo',
  'relationshipName',
  'relationshipOrder',
  'restrictedDelete',
  'restrictedPicklist',
  'scale',
  'soapType',
  'sortable',
  'type',
  'unique',
  'updateable',
  'writeRequiresMasterRead',
];

interface FieldJson {
  name: string;
  type: string;
  soapType: string;
  compoundFieldName: string | null;
  [k: string]: unknown;
}
interface DescribeJson {
  name: string;
  keyPrefix: string;
  fields: FieldJson[];
  [k: string]: unknown;
}

describe('describe', () => {
  let emu: Emulator;
  let token: string;
  const fields = async (object: string) => ((await call(emu, `${V}/sobjects/${object}/describe`, token)).body as DescribeJson).fields;

  beforeAll(async () => {
    // Uncompressed answers: this suite reads describes, and gzipping each one cost as much as building it.
    emu = await startEmulator({ gzip: false, counts: { Account: 10, Contact: 10, Lead: 10, Opportunity: 10, Case: 10, User: 5 } });
    token = await mintToken(emu);
  });
  afterAll(() => emu.close());

  it('lists the six objects in global describe', async () => {
    const reply = await call(emu, `${V}/sobjects`, token);
    expect(reply.status).toBe(200);
    const body = reply.body as {
      encoding: string;
      maxBatchSize: number;
      sobjects: { name: string; queryable: boolean; keyPrefix: string; urls: Record<string, string> }[];
    };
    expect(body.encoding).toBe('UTF-8');
    expect(body.sobjects.map((s) => s.name)).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']);
    expect(body.sobjects.every((s) => s.queryable)).toBe(true);
    expect(body.sobjects[0].urls.describe).toBe(`${V}/sobjects/Account/describe`);
    expect(reply.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/15000$/);
  });

  it.each<[SObjectName, string]>([
    ['Account', '001'],
    ['Contact', '003'],
    ['Lead', '00Q'],
    ['Opportunity', '006'],
    ['Case', '500'],
    ['User', '005'],
  ])('%s describe has every field key and realistic types', async (object, prefix) => {
    const reply = await call(emu, `${V}/sobjects/${object}/describe`, token);
    expect(reply.status).toBe(200);
    const body = reply.body as DescribeJson;
    expect(body.name).toBe(object);
    expect(body.keyPrefix).toBe(prefix);
    const topKeys = Object.keys(body);
    expect([...topKeys].sort()).toEqual(topKeys);
    // Listed at once: an expect() per key of every field cost a second of CPU.
    expect(body.fields.flatMap((f) => FIELD_KEYS.filter((key) => !(key in f)).map((key) => `${f.name}.${key}`))).toEqual([]);
    const byName = new Map(body.fields.map((f) => [f.name, f]));
    expect(byName.get('Id')).toMatchObject({ type: 'id', soapType: 'tns:ID', length: 18, nillable: false });
    expect(byName.get('SystemModstamp')).toMatchObject({ type: 'datetime', soapType: 'xsd:dateTime' });
    expect(byName.has('IsDeleted')).toBe(object !== 'User');
    expect(byName.has('OwnerId')).toBe(object !== 'User');
  });

  it('describes compound address and location fields with their parts', async () => {
    const account = new Map((await fields('Account')).map((f) => [f.name, f]));
    expect(account.get('BillingAddress')).toMatchObject({ type: 'address', soapType: 'urn:address', compoundFieldName: null });
    for (const part of [
      'BillingStreet',
      'BillingCity',
      'BillingState',
      'BillingPostalCode',
      'BillingCountry',
      'BillingLatitude',
      'BillingLongitude',
      'BillingGeocodeAccuracy',
    ]) {
      expect(account.get(part)?.compoundFieldName).toBe('BillingAddress');
    }
    expect(account.get('BillingStreet')?.type).toBe('textarea');
    expect(account.get('BillingLatitude')?.type).toBe('double');
    expect(account.get('HQ_Location__c')).toMatchObject({ type: 'location', soapType: 'urn:location', custom: true });
    expect(account.get('HQ_Location__Latitude__s')?.compoundFieldName).toBe('HQ_Location__c');
    expect(account.get('AnnualRevenue')).toMatchObject({ type: 'currency', soapType: 'xsd:double' });
    expect(account.get('Industry')?.picklistValues).toContainEqual({ active: true, defaultValue: false, label: 'Banking', validFor: null, value: 'Banking' });
    // Only a user owns an Account; a queue may own a Lead (as a real org's describes say).
    expect(account.get('OwnerId')).toMatchObject({ type: 'reference', referenceTo: ['User'], relationshipName: 'Owner', polymorphicForeignKey: false });
    const lead = new Map((await fields('Lead')).map((f) => [f.name, f]));
    expect(lead.get('OwnerId')).toMatchObject({ type: 'reference', referenceTo: ['Group', 'User'], polymorphicForeignKey: true });
    expect(lead.get('Address')?.type).toBe('address');
    expect(lead.get('City')?.compoundFieldName).toBe('Address');
  });

  it('has the custom fields of each object', async () => {
    const expectations: [SObjectName, string, string][] = [
      ['Account', 'Region__c', 'picklist'],
      ['Contact', 'Preferred_Channel__c', 'picklist'],
      ['Lead', 'Lead_Score__c', 'int'],
      ['Opportunity', 'Discount_Percent__c', 'percent'],
      ['Case', 'SLA_Due__c', 'datetime'],
      ['User', 'Employee_Number__c', 'string'],
    ];
    for (const [object, name, type] of expectations) {
      const f = (await fields(object)).find((x) => x.name === name);
      expect(f).toMatchObject({ type, custom: true });
    }
  });

  it('leaves FLS-hidden fields out of describe; hideField takes effect at once', async () => {
    expect((await fields('Account')).some((f) => f.name === 'Credit_Score__c')).toBe(false);
    expect(emu.records('Account')[0].Credit_Score__c).toEqual(expect.any(Number));
    emu.hideField('Contact', 'Email');
    expect((await fields('Contact')).some((f) => f.name === 'Email')).toBe(false);
  });

  it('answers 404 NOT_FOUND for unknown and revoked objects, and drops them from global describe', async () => {
    const unknown = await call(emu, `${V}/sobjects/Foo__c/describe`, token);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    emu.revokeObject('Lead');
    try {
      expect((await call(emu, `${V}/sobjects/Lead/describe`, token)).status).toBe(404);
      const global = (await call(emu, `${V}/sobjects`, token)).body as { sobjects: { name: string }[] };
      expect(global.sobjects.map((s) => s.name)).not.toContain('Lead');
    } finally {
      emu.grantObject('Lead');
    }
    expect((await call(emu, `${V}/sobjects/Lead/describe`, token)).status).toBe(200);
  });
});
