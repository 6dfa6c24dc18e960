import { describe, expect, it } from '@jest/globals';
import type { DescribeField } from '../api/types.js';
import { componentKey, planBulkFields } from './bulk-fields.js';
import { createRowConverter, sameHeader } from './csv-records.js';

const describeFields: DescribeField[] = [
  { name: 'Id', type: 'id' },
  { name: 'NumberOfEmployees', type: 'int' },
  { name: 'AnnualRevenue', type: 'currency' },
  { name: 'IsDeleted', type: 'boolean' },
  { name: 'BillingStreet', type: 'textarea', compoundFieldName: 'BillingAddress' },
  { name: 'BillingCity', type: 'string', compoundFieldName: 'BillingAddress' },
  { name: 'BillingLatitude', type: 'double', compoundFieldName: 'BillingAddress' },
  { name: 'BillingAddress', type: 'address' },
  { name: 'HQ__Latitude__s', type: 'double', compoundFieldName: 'HQ__c' },
  { name: 'HQ__Longitude__s', type: 'double', compoundFieldName: 'HQ__c' },
  { name: 'HQ__c', type: 'location' },
];

describe('bulk field plan', () => {
  it('derives rebuilt keys from component names', () => {
    expect(componentKey('BillingAddress', 'BillingPostalCode')).toBe('postalCode');
    expect(componentKey('Address', 'GeocodeAccuracy')).toBe('geocodeAccuracy');
    expect(componentKey('HQ__c', 'HQ__Longitude__s')).toBe('longitude');
  });

  it('selects components instead of compound fields, once each', () => {
    const selected = describeFields.filter((f) => ['Id', 'BillingCity', 'BillingAddress', 'HQ__c'].includes(f.name));
    const plan = planBulkFields(selected, describeFields);
    expect(plan.select).toEqual(['Id', 'BillingCity', 'BillingStreet', 'BillingLatitude', 'HQ__Latitude__s', 'HQ__Longitude__s']);
    expect(plan.compounds.map((c) => c.name)).toEqual(['BillingAddress', 'HQ__c']);
  });
});

describe('CSV row conversion', () => {
  const plan = planBulkFields(describeFields, describeFields);
  const convert = createRowConverter(plan.select, describeFields, plan.compounds);
  /** A CSV row as csv-parse gives it: cells in the order of `header`. */
  const row = (header: readonly string[], cells: Record<string, string>) => header.map((name) => cells[name] ?? '');

  it('types values like the REST API and rebuilds compound fields', () => {
    const out = convert(
      row(plan.select, {
        Id: '001',
        NumberOfEmployees: '42',
        AnnualRevenue: '1250000.5',
        IsDeleted: 'false',
        BillingStreet: '1 Main St',
        BillingLatitude: '37.5',
      }),
    );
    expect(out).toMatchObject({ Id: '001', NumberOfEmployees: 42, AnnualRevenue: 1250000.5, IsDeleted: false, BillingCity: null });
    expect(out.BillingAddress).toEqual({ city: null, latitude: 37.5, street: '1 Main St' });
    expect(Object.keys(out.BillingAddress as object)).toEqual(['city', 'latitude', 'street']);
    expect(out.HQ__c).toBeNull();
  });

  it('emits only the selected fields when told which, in their order', () => {
    const selected = ['Id', 'BillingAddress'];
    const narrow = createRowConverter(
      plan.select,
      describeFields,
      plan.compounds.filter((c) => c.name === 'BillingAddress'),
      selected,
    );
    const out = narrow(row(plan.select, { Id: '001', BillingStreet: '1 Main St', BillingCity: 'Oslo' }));
    expect(Object.keys(out)).toEqual(selected);
    expect(out.BillingAddress).toEqual({ city: 'Oslo', latitude: null, street: '1 Main St' });
  });

  it('reads cells by the header, whatever its order, and gives null for a column it lacks', () => {
    const fields: DescribeField[] = [...describeFields, { name: 'SystemModstamp', type: 'datetime' }, { name: 'LastActivityDate', type: 'date' }];
    const header = ['systemmodstamp', 'NumberOfEmployees', 'Id', 'LastActivityDate'];
    const convertShuffled = createRowConverter(header, fields, [], ['Id', 'SystemModstamp', 'NumberOfEmployees', 'AnnualRevenue', 'LastActivityDate']);
    const out = convertShuffled(['2024-05-01T12:00:00.000Z', '7', '001', '2024-05-01']);
    expect(JSON.stringify(out)).toBe(
      '{"Id":"001","SystemModstamp":"2024-05-01T12:00:00.000Z","NumberOfEmployees":7,"AnnualRevenue":null,"LastActivityDate":"2024-05-01"}',
    );
  });

  it('gives the final record: datetimes in UTC with Z, like the REST shaper', () => {
    const fields: DescribeField[] = [
      { name: 'Id', type: 'id' },
      { name: 'CreatedDate', type: 'datetime' },
    ];
    const out = createRowConverter(['Id', 'CreatedDate'], fields, [])(['001', '2024-05-01T14:00:00.000+0200']);
    expect(out).toEqual({ Id: '001', CreatedDate: '2024-05-01T12:00:00.000Z' });
  });

  it('keeps odd field names as own properties', () => {
    const fields: DescribeField[] = [
      { name: '__proto__', type: 'string' },
      { name: 'Weird "Name"', type: 'int' },
    ];
    const out = createRowConverter(['__proto__', 'Weird "Name"'], fields, [])(['x', '3']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":"x","Weird \\"Name\\"":3}');
  });

  it('compares headers cell by cell', () => {
    expect(sameHeader(undefined, ['Id'])).toBe(false);
    expect(sameHeader(['Id', 'Name'], ['Id', 'Name'])).toBe(true);
    expect(sameHeader(['Id', 'Name'], ['Name', 'Id'])).toBe(false);
  });
});
