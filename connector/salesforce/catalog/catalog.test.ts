import { describe, expect, it } from '@jest/globals';
import { closestNames } from '../config/closest-names.js';
import { exclusionReason } from './exclusions.js';
import { offeredStreams, selectObjects } from './org-objects.js';
import { checkSample } from '../commands/check.js';

const org = [
  'Account',
  'Contact',
  'Invoice__c',
  'Invoice_Line__c',
  'AccountFeed',
  'AccountShare',
  'Quote',
  'Ledger__x',
  'Alert__e',
  'AccountChangeEvent',
  'Log__b',
  'Vote',
].map((name) => ({ name, queryable: true }));

describe('exclusions', () => {
  it.each([
    ['AccountFeed', /feed objects/],
    ['AccountShare', /share objects/],
    ['Ledger__x', /external objects/],
    ['Alert__e', /event objects/],
    ['AccountChangeEvent', /event objects/],
    ['Log__b', /big objects/],
    ['Vote', /without a filter on one record/],
  ])('leaves %s out of "*" with its reason', (name, reason) => {
    expect(exclusionReason({ name, queryable: true })).toMatch(reason);
  });

  it('keeps queryable objects and drops the others', () => {
    expect(exclusionReason({ name: 'Invoice__c', queryable: true })).toBeUndefined();
    expect(exclusionReason({ name: 'AccountHistory', queryable: true })).toBeUndefined();
    expect(exclusionReason({ name: 'Invoice__c', queryable: false })).toBe('not queryable');
  });
});

describe('object selection', () => {
  it('turns "*" into every object not excluded, the six first, and groups the rest by reason', () => {
    const selection = selectObjects(['*'], org);
    expect(selection.objects).toEqual(['Account', 'Contact', 'Invoice_Line__c', 'Invoice__c', 'Quote']);
    expect([...selection.excluded.values()].flat().sort()).toEqual([
      'AccountChangeEvent',
      'AccountFeed',
      'AccountShare',
      'Alert__e',
      'Ledger__x',
      'Log__b',
      'Vote',
    ]);
  });

  it('keeps named objects even when "*" would leave them out, and refuses unknown ones with the closest names', () => {
    expect(selectObjects(['AccountFeed', 'Invoice__c'], org).objects).toEqual(['AccountFeed', 'Invoice__c']);
    expect(() => selectObjects(['Invoce__c'], org)).toThrow(/cannot read Invoce__c \(the org does not list it; did you mean Invoice__c\?\)/);
    expect(() => selectObjects(['Zzzyzx'], org)).toThrow(/cannot read Zzzyzx \(the org does not list it\): grant Read/);
    expect(() => selectObjects(['Account'], [{ name: 'Account', queryable: false }])).toThrow(/Salesforce does not allow Account to be queried/);
  });

  it('matches names whatever their case, as Salesforce does, and keeps its spelling once each', () => {
    expect(selectObjects(['invoice__c', 'ACCOUNTFEED', 'Invoice__c'], org).objects).toEqual(['Invoice__c', 'AccountFeed']);
  });

  it('offers the six and the named objects to a read, anything with "*"', () => {
    expect(offeredStreams(['Invoice__c'])).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User', 'Invoice__c']);
    expect(offeredStreams(['*'])).toBeUndefined();
  });

  it('samples at most three objects for check, the six first', () => {
    expect(checkSample(['Account', 'Contact', 'Lead', 'Opportunity', 'Invoice__c'])).toEqual(['Account', 'Contact', 'Lead']);
    expect(checkSample(['Invoice__c', 'Quote', 'Task', 'Zeta__c'])).toEqual(['Invoice__c', 'Quote', 'Task']);
  });
});

describe('closestNames', () => {
  it('suggests near names, closest first, and nothing for a far one', () => {
    expect(closestNames('Acount', ['Account', 'Contact', 'Asset'])).toEqual(['Account']);
    expect(closestNames('Opportunity', ['Account'])).toEqual([]);
  });
});
