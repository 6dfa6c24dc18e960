import { describe, expect, it } from '@jest/globals';
import type { DescribeField } from '../api/types.js';
import { selectFields } from './field-selection.js';
import { createRecordShaper, normalizeDateTime } from './record-shaper.js';

const fields: DescribeField[] = [
  { name: 'Id', type: 'id' },
  { name: 'SystemModstamp', type: 'datetime' },
  { name: 'Name', type: 'string' },
  { name: 'NumberOfEmployees', type: 'int' },
];

describe('selectFields', () => {
  it('keeps configured fields the org still has and reports the rest', () => {
    const selection = selectFields({ name: 'Account', fields }, ['Name', 'Gone__c'], 'Account');
    expect(selection.fields.map((f) => f.name)).toEqual(['Id', 'SystemModstamp', 'Name']);
    expect(selection.dropped).toEqual(['Gone__c']);
  });

  it('selects every readable field without a configured list', () => {
    expect(selectFields({ name: 'Account', fields }, undefined, 'Account').fields).toHaveLength(4);
  });

  it('fails when the cursor is hidden by field-level security', () => {
    expect(() => selectFields({ name: 'Lead', fields: [fields[0]] }, undefined, 'Lead')).toThrow(/Lead\.SystemModstamp.*field-level security/);
  });
});

describe('record shaping', () => {
  it('normalises Salesforce datetimes to ISO-8601 UTC', () => {
    expect(normalizeDateTime('2013-05-20T20:49:32.000+0000')).toBe('2013-05-20T20:49:32.000Z');
    expect(normalizeDateTime('2013-05-20T22:49:32.000+0200')).toBe('2013-05-20T20:49:32.000Z');
    expect(normalizeDateTime('2013-05-20T20:49:32Z')).toBe('2013-05-20T20:49:32.000Z');
    expect(normalizeDateTime('2013-05-20T20:49:32.000Z')).toBe('2013-05-20T20:49:32.000Z');
    expect(normalizeDateTime('garbage')).toBe('garbage');
  });

  it('turns anyType values into strings, as the schema promises', () => {
    const shape = createRecordShaper([
      { name: 'Id', type: 'id' },
      { name: 'OldValue', type: 'anyType' },
    ]);
    expect(shape({ Id: '1', OldValue: 42 })).toEqual({ Id: '1', OldValue: '42' });
    expect(shape({ Id: '1', OldValue: true })).toEqual({ Id: '1', OldValue: 'true' });
    expect(shape({ Id: '1', OldValue: null })).toEqual({ Id: '1', OldValue: null });
  });

  it('turns json values into their JSON text', () => {
    const shape = createRecordShaper([{ name: 'Payload__c', type: 'json' }]);
    expect(shape({ Payload__c: { a: [1] } })).toEqual({ Payload__c: '{"a":[1]}' });
    expect(shape({ Payload__c: '{"a":1}' })).toEqual({ Payload__c: '{"a":1}' });
  });

  it('selects the keys each object offers: a history object is keyed on CreatedDate', () => {
    const history = selectFields(
      {
        name: 'AccountHistory',
        fields: [
          { name: 'Id', type: 'id' },
          { name: 'CreatedDate', type: 'datetime' },
          { name: 'Field', type: 'picklist' },
        ],
      },
      ['Field'],
      'AccountHistory',
    );
    expect(history.keys).toEqual({ primaryKey: 'Id', cursor: 'CreatedDate' });
    expect(history.fields.map((f) => f.name)).toEqual(['Id', 'CreatedDate', 'Field']);
  });

  it('serialises without attributes, with nulls for absent fields and normalised datetimes', () => {
    const shape = createRecordShaper(fields);
    const out = shape({ attributes: { type: 'Account' }, Id: '001', SystemModstamp: '2024-01-01T00:00:00.000+0000', NumberOfEmployees: 5 });
    expect(JSON.parse(JSON.stringify(out))).toEqual({ Id: '001', SystemModstamp: '2024-01-01T00:00:00.000Z', NumberOfEmployees: 5, Name: null });
    expect(JSON.stringify(out)).not.toContain('attributes');
  });
});
