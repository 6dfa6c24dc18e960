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

/** An object's API name, as the org spells it. */
export type SObjectName = string;
/** The six objects of the default org, with hand-written data (data-generator.ts). */
export const SOBJECT_NAMES: readonly SObjectName[] = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'];

export interface ObjectSpec {
  name: SObjectName;
  label: string;
  labelPlural: string;
  /** null for an object without Id */
  keyPrefix: string | null;
  /** false: listed by the global describe but refused by SOQL */
  queryable: boolean;
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

export function objectSpec(
  name: SObjectName,
  label: string,
  labelPlural: string,
  fields: FieldSpec[],
  children: ObjectSpec['children'],
  keyPrefix: string | null = KEY_PREFIX[name as keyof typeof KEY_PREFIX],
  queryable = true,
): ObjectSpec {
  // Text fields report byteLength 3×length, which describe derives; lengths of short text parts default here.
  for (const fs of fields) {
    if (fs.length === 0 && (fs.type === 'string' || fs.type === 'picklist' || fs.type === 'combobox')) fs.length = 255;
  }
  return {
    name,
    label,
    labelPlural,
    keyPrefix,
    queryable,
    fields,
    children,
    byName: new Map(fields.map((fs) => [fs.name.toLowerCase(), fs])),
  };
}

/** The six objects' schemas; every other object is defined (eagerly or lazily) through defineObject. */
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

const lazy = new Map<SObjectName, () => ObjectSpec>();

/**
 * Adds an object to the schemas this process knows (built on first use: an org of 1,000 objects
 * must not cost their 50,000 fields at start-up). Which objects an org has is the org's choice
 * (EmulatorOptions.objects); a name defined twice keeps its latest definition.
 */
export function defineObject(name: SObjectName, build: () => ObjectSpec): void {
  delete CATALOG[name];
  factories.delete(name);
  lazy.set(name, build);
}

export function isDefined(name: SObjectName): boolean {
  return name in CATALOG || lazy.has(name);
}

/** The schema of an object this process defined. */
export function specOf(name: SObjectName): ObjectSpec {
  let spec = CATALOG[name];
  if (!spec) {
    const build = lazy.get(name);
    if (!build) throw new Error(`The emulator defines no object named ${name}`);
    spec = CATALOG[name] = build();
  }
  return spec;
}

/** Fields that hold values in storage (compound fields are views over their parts). */
export function storedFields(object: SObjectName): FieldSpec[] {
  return specOf(object).fields.filter((fs) => fs.components === null);
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
