/**
 * The schema of the emulated org: which fields each object has and their Salesforce types. This is
 * the single source that describe, the SOQL engine and the data generator all read, so a field
 * cannot exist in one and not the others.
 */
import { KEY_PREFIX } from './ids.js';
import type { FieldSpec } from './field-spec.js';
import { account, contact, kase, lead, opportunity, user } from './object-fields.js';

export type { FieldSpec, FieldType } from './field-spec.js';
export { PICKLISTS } from './picklists.js';

export type SObjectName = 'Account' | 'Contact' | 'Lead' | 'Opportunity' | 'Case' | 'User';
export const SOBJECT_NAMES: readonly SObjectName[] = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'];

export interface ObjectSpec {
  name: SObjectName;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldSpec[];
  byName: Map<string, FieldSpec>; // lower-cased name → spec, because SOQL names are case-insensitive
  children: { childSObject: string; field: string; relationshipName: string | null; cascadeDelete: boolean }[];
}

const child = (childSObject: string, field: string, relationshipName: string | null, cascadeDelete = false) => ({
  childSObject,
  field,
  relationshipName,
  cascadeDelete,
});

function objectSpec(name: SObjectName, label: string, labelPlural: string, fields: FieldSpec[], children: ObjectSpec['children']): ObjectSpec {
  // Text fields report byteLength 3×length, which describe derives; lengths of short text parts default here.
  for (const fs of fields) {
    if (fs.length === 0 && (fs.type === 'string' || fs.type === 'picklist')) fs.length = 255;
  }
  return {
    name,
    label,
    labelPlural,
    keyPrefix: KEY_PREFIX[name],
    fields,
    children,
    byName: new Map(fields.map((fs) => [fs.name.toLowerCase(), fs])),
  };
}

export const CATALOG: Record<SObjectName, ObjectSpec> = {
  Account: objectSpec('Account', 'Account', 'Accounts', account, [
    child('Account', 'ParentId', 'ChildAccounts'),
    child('Contact', 'AccountId', 'Contacts'),
    child('Opportunity', 'AccountId', 'Opportunities', true),
    child('Case', 'AccountId', 'Cases'),
  ]),
  Contact: objectSpec('Contact', 'Contact', 'Contacts', contact, [child('Case', 'ContactId', 'Cases'), child('Contact', 'ReportsToId', null)]),
  Lead: objectSpec('Lead', 'Lead', 'Leads', lead, []),
  Opportunity: objectSpec('Opportunity', 'Opportunity', 'Opportunities', opportunity, []),
  Case: objectSpec('Case', 'Case', 'Cases', kase, [child('Case', 'ParentId', 'Cases')]),
  User: objectSpec('User', 'User', 'Users', user, [child('User', 'ManagerId', 'ManagedUsers')]),
};

/** Fields that hold values in storage (compound fields are views over their parts). */
export function storedFields(object: SObjectName): FieldSpec[] {
  return CATALOG[object].fields.filter((fs) => fs.components === null);
}

export type FieldValue = string | number | boolean | null;
/** A record in storage form: every stored field present, datetimes as wire strings. */
export type SRecord = Record<string, FieldValue>;

const factories = new Map<SObjectName, () => SRecord>();
/**
 * A record with every stored field set to null, keys in catalog order. Built by a compiled object
 * literal: spreading a 50-key template is several times slower, which shows at a million records.
 */
export function blankRecord(object: SObjectName): SRecord {
  let make = factories.get(object);
  if (!make) {
    const body = storedFields(object)
      .map((fs) => `${JSON.stringify(fs.name)}:null`)
      .join(',');
    make = new Function(`return () => ({${body}});`)() as () => SRecord;
    factories.set(object, make);
  }
  return make();
}
