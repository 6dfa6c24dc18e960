import { describe, expect, it } from '@jest/globals';
import type { DescribeField } from '../salesforce/types.js';
import { componentKey, planBulkFields } from './bulk-fields.js';
import { createRowConverter } from './csv-records.js';

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

  it('types values like the REST API and rebuilds compound fields', () => {
    const out = convert({
      Id: '001',
      NumberOfEmployees: '42',
      AnnualRevenue: '1250000.5',
      IsDeleted: 'false',
      BillingStreet: '1 Main St',
      BillingCity: '',
      BillingLatitude: '37.5',
      HQ__Latitude__s: '',
      HQ__Longitude__s: '',
    });
    expect(out).toMatchObject({ Id: '001', NumberOfEmployees: 42, AnnualRevenue: 1250000.5, IsDeleted: false, BillingCity: null });
    expect(out.BillingAddress).toEqual({ city: null, latitude: 37.5, street: '1 Main St' });
    expect(Object.keys(out.BillingAddress as object)).toEqual(['city', 'latitude', 'street']);
    expect(out.HQ__c).toBeNull();
  });

  it('emits only the selected fields when told which, in their order', () => {
    const selected = ['Id', 'BillingAddress'];
    const narrow = createRowConverter(plan.select, describeFields, plan.compounds.filter((c) => c.name === 'BillingAddress'), selected);
    const out = narrow({ Id: '001', BillingStreet: '1 Main St', BillingCity: 'Oslo', BillingLatitude: '' });
    expect(Object.keys(out)).toEqual(selected);
    expect(out.BillingAddress).toEqual({ city: 'Oslo', latitude: null, street: '1 Main St' });
  });
});
