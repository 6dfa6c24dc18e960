import { describe, expect, it } from '@jest/globals';
import type { DescribeField } from '../api/types.js';
import { FORMULA_DESCRIPTION, fieldSchema, streamSchema } from './field-mapping.js';

const f = (name: string, type: string): DescribeField => ({ name, type });

describe('field mapping', () => {
  it.each([
    ['datetime', { type: ['null', 'string'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' }],
    ['date', { type: ['null', 'string'], format: 'date' }],
    ['int', { type: ['null', 'integer'] }],
    ['long', { type: ['null', 'integer'] }],
    ['double', { type: ['null', 'number'] }],
    ['currency', { type: ['null', 'number'] }],
    ['percent', { type: ['null', 'number'] }],
    ['boolean', { type: ['null', 'boolean'] }],
    ['picklist', { type: ['null', 'string'] }],
    ['reference', { type: ['null', 'string'] }],
    ['id', { type: ['null', 'string'] }],
    ['anyType', { type: ['null', 'string'] }],
    ['time', { type: ['null', 'string'], format: 'time', airbyte_type: 'time_with_timezone' }],
    ['encryptedstring', { type: ['null', 'string'] }],
    ['combobox', { type: ['null', 'string'] }],
    ['json', { type: ['null', 'string'] }],
    ['textarea', { type: ['null', 'string'] }],
    ['multipicklist', { type: ['null', 'string'] }],
  ])('maps %s', (type, schema) => {
    expect(fieldSchema(f('X', type))).toEqual(schema);
  });

  it('maps compound fields to objects with their parts', () => {
    const address = fieldSchema(f('BillingAddress', 'address')) as { type: string[]; properties: Record<string, unknown> };
    expect(address.type).toEqual(['null', 'object']);
    expect(Object.keys(address.properties).sort()).toEqual(['city', 'country', 'geocodeAccuracy', 'latitude', 'longitude', 'postalCode', 'state', 'street']);
    const location = fieldSchema(f('HQ__c', 'location')) as { properties: Record<string, unknown> };
    expect(Object.keys(location.properties)).toEqual(['latitude', 'longitude']);
  });

  it('builds a stream schema from describe, leaving out base64 bodies', () => {
    const schema = streamSchema({ name: 'Account', fields: [f('Id', 'id'), f('Logo__c', 'base64'), f('Tier__c', 'picklist')] });
    expect(Object.keys(schema.properties as object)).toEqual(['Id', 'Tier__c']);
    expect(schema.additionalProperties).toBe(true);
  });

  it('tells formula fields apart in the schema: their values change without the cursor moving', () => {
    const schema = streamSchema({ name: 'Account', fields: [f('Name', 'string'), { ...f('Score__c', 'double'), calculated: true }] });
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.Score__c).toEqual({ type: ['null', 'number'], description: FORMULA_DESCRIPTION });
    expect(properties.Name.description).toBeUndefined();
  });
});
