/**
 * The schema of the emulated org: which fields each object has and their Salesforce types. This is
 * the single source that describe, the SOQL engine and the data generator all read, so a field
 * cannot exist in one and not the others.
 */
import { KEY_PREFIX } from './ids.js';

export type SObjectName = 'Account' | 'Contact' | 'Lead' | 'Opportunity' | 'Case' | 'User';
export const SOBJECT_NAMES: readonly SObjectName[] = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'];

export type FieldType =
  | 'id' | 'reference' | 'string' | 'textarea' | 'picklist' | 'email' | 'phone' | 'url'
  | 'boolean' | 'int' | 'double' | 'currency' | 'percent' | 'date' | 'datetime' | 'address' | 'location';

export interface FieldSpec {
  name: string;
  type: FieldType;
  label: string;
  length: number;
  precision: number;
  scale: number;
  digits: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  custom: boolean;
  nameField: boolean;
  autoNumber: boolean;
  idLookup: boolean;
  unique: boolean;
  externalId: boolean;
  defaultedOnCreate: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  picklist: string[];
  /** For the parts of an address or location: the compound field they belong to. */
  compoundFieldName: string | null;
  /** For compound fields: their parts, keyed by the wire property name (street, latitude, ...). */
  components: Record<string, string> | null;
}

export interface ObjectSpec {
  name: SObjectName;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldSpec[];
  byName: Map<string, FieldSpec>; // lower-cased name → spec, because SOQL names are case-insensitive
  children: { childSObject: string; field: string; relationshipName: string | null; cascadeDelete: boolean }[];
}

type Opts = Partial<Omit<FieldSpec, 'name' | 'type'>>;

function labelFor(name: string): string {
  const base = name.replace(/__c$|__s$/, '').replace(/_/g, ' ');
  const spaced = base.replace(/([a-z])([A-Z])/g, '$1 $2');
  return spaced.endsWith(' Id') ? `${spaced.slice(0, -3)} ID` : spaced;
}

function f(name: string, type: FieldType, o: Opts = {}): FieldSpec {
  const isBool = type === 'boolean';
  return {
    name,
    type,
    label: o.label ?? labelFor(name),
    length: o.length ?? 0,
    precision: o.precision ?? 0,
    scale: o.scale ?? 0,
    digits: o.digits ?? 0,
    nillable: o.nillable ?? !isBool,
    createable: o.createable ?? true,
    updateable: o.updateable ?? true,
    custom: o.custom ?? name.endsWith('__c'),
    nameField: o.nameField ?? false,
    autoNumber: o.autoNumber ?? false,
    idLookup: o.idLookup ?? false,
    unique: o.unique ?? false,
    externalId: o.externalId ?? false,
    defaultedOnCreate: o.defaultedOnCreate ?? isBool,
    referenceTo: o.referenceTo ?? [],
    relationshipName: o.relationshipName ?? null,
    picklist: o.picklist ?? [],
    compoundFieldName: o.compoundFieldName ?? null,
    components: o.components ?? null,
  };
}

const RO: Opts = { createable: false, updateable: false };
const str = (name: string, length: number, o: Opts = {}) => f(name, 'string', { length, ...o });
const pick = (name: string, picklist: string[], o: Opts = {}) => f(name, 'picklist', { length: 255, picklist, ...o });
const ref = (name: string, to: string[], rel: string, o: Opts = {}) =>
  f(name, 'reference', { length: 18, referenceTo: to, relationshipName: rel, ...o });
const phone = (name: string) => f(name, 'phone', { length: 40 });
const num = (name: string, type: 'double' | 'currency' | 'percent', precision: number, scale: number, o: Opts = {}) =>
  f(name, type, { precision, scale, ...o });
const int = (name: string, digits: number, o: Opts = {}) => f(name, 'int', { digits, ...o });

export const PICKLISTS = {
  accountType: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'],
  industry: ['Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Finance', 'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Manufacturing', 'Media', 'Not For Profit', 'Retail', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other'],
  ownership: ['Public', 'Private', 'Subsidiary', 'Other'],
  rating: ['Hot', 'Warm', 'Cold'],
  leadSource: ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'],
  cleanStatus: ['Matched', 'Different', 'Acknowledged', 'NotFound', 'Inactive', 'Pending', 'SelectMatch', 'Skipped'],
  geocodeAccuracy: ['Address', 'NearAddress', 'Block', 'Street', 'ExtendedZip', 'Zip', 'Neighborhood', 'City', 'County', 'State', 'Unknown'],
  salutation: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'],
  leadStatus: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'],
  stage: ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'],
  oppType: ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer'],
  forecastCategory: ['Omitted', 'Pipeline', 'BestCase', 'Forecast', 'Closed'],
  forecastCategoryName: ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed'],
  caseStatus: ['New', 'Working', 'Escalated', 'Closed'],
  casePriority: ['High', 'Medium', 'Low'],
  caseOrigin: ['Phone', 'Email', 'Web'],
  caseReason: ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'],
  caseType: ['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other'],
  userType: ['Standard', 'PowerPartner', 'PowerCustomerSuccess', 'CsnOnly'],
  timeZone: ['America/Los_Angeles', 'America/New_York', 'America/Chicago', 'Europe/London', 'Europe/Paris', 'Asia/Tokyo', 'Australia/Sydney'],
  locale: ['en_US', 'en_GB', 'fr_FR', 'de_DE', 'ja_JP'],
  language: ['en_US', 'fr', 'de', 'ja'],
  emailEncoding: ['UTF-8', 'ISO-8859-1'],
  region: ['NA', 'EMEA', 'APAC', 'LATAM'],
  channel: ['Email', 'Phone', 'SMS', 'Mail'],
} as const;
const P = (k: keyof typeof PICKLISTS): string[] => [...PICKLISTS[k]];

/** Street, City, …, GeocodeAccuracy plus the compound `<prefix>Address` that groups them. */
function address(prefix: string): FieldSpec[] {
  const compound = `${prefix}Address`;
  const part = (o: Opts): Opts => ({ compoundFieldName: compound, ...o });
  return [
    f(`${prefix}Street`, 'textarea', part({ length: 255 })),
    str(`${prefix}City`, 40, part({})),
    str(`${prefix}State`, 80, part({})),
    str(`${prefix}PostalCode`, 20, part({})),
    str(`${prefix}Country`, 80, part({})),
    num(`${prefix}Latitude`, 'double', 18, 15, part({})),
    num(`${prefix}Longitude`, 'double', 18, 15, part({})),
    pick(`${prefix}GeocodeAccuracy`, P('geocodeAccuracy'), part({})),
    f(compound, 'address', {
      ...RO,
      components: {
        city: `${prefix}City`, country: `${prefix}Country`, geocodeAccuracy: `${prefix}GeocodeAccuracy`,
        latitude: `${prefix}Latitude`, longitude: `${prefix}Longitude`, postalCode: `${prefix}PostalCode`,
        state: `${prefix}State`, street: `${prefix}Street`,
      },
    }),
  ];
}

function location(name: string): FieldSpec[] {
  const base = name.replace(/__c$/, '');
  return [
    f(name, 'location', { precision: 18, scale: 15, components: { latitude: `${base}__Latitude__s`, longitude: `${base}__Longitude__s` } }),
    num(`${base}__Latitude__s`, 'double', 18, 15, { compoundFieldName: name, custom: true }),
    num(`${base}__Longitude__s`, 'double', 18, 15, { compoundFieldName: name, custom: true }),
  ];
}

function systemFields(owned: boolean, deletable: boolean): FieldSpec[] {
  const user = ['User'];
  return [
    f('Id', 'id', { ...RO, label: 'Record ID', length: 18, nillable: false, idLookup: true, defaultedOnCreate: true }),
    ...(deletable ? [f('IsDeleted', 'boolean', { ...RO, label: 'Deleted' })] : []),
    ...(owned ? [ref('OwnerId', ['Group', 'User'], 'Owner', { nillable: false, defaultedOnCreate: true })] : []),
    f('CreatedDate', 'datetime', { ...RO, nillable: false, defaultedOnCreate: true }),
    ref('CreatedById', user, 'CreatedBy', { ...RO, nillable: false, defaultedOnCreate: true }),
    f('LastModifiedDate', 'datetime', { ...RO, nillable: false, defaultedOnCreate: true }),
    ref('LastModifiedById', user, 'LastModifiedBy', { ...RO, nillable: false, defaultedOnCreate: true }),
    f('SystemModstamp', 'datetime', { ...RO, label: 'System Modstamp', nillable: false, defaultedOnCreate: true }),
    f('LastViewedDate', 'datetime', RO),
    f('LastReferencedDate', 'datetime', RO),
  ];
}

const account: FieldSpec[] = [
  ...systemFields(true, true),
  ref('MasterRecordId', ['Account'], 'MasterRecord', RO),
  str('Name', 255, { label: 'Account Name', nillable: false, nameField: true }),
  pick('Type', P('accountType'), { label: 'Account Type' }),
  ref('ParentId', ['Account'], 'Parent'),
  ...address('Billing'),
  ...address('Shipping'),
  phone('Phone'),
  phone('Fax'),
  str('AccountNumber', 40),
  f('Website', 'url', { length: 255 }),
  f('PhotoUrl', 'url', { length: 255, ...RO }),
  pick('Industry', P('industry')),
  num('AnnualRevenue', 'currency', 18, 0),
  int('NumberOfEmployees', 8, { label: 'Employees' }),
  pick('Ownership', P('ownership')),
  pick('Rating', P('rating')),
  f('Description', 'textarea', { length: 32000 }),
  str('Site', 80, { label: 'Account Site' }),
  str('TickerSymbol', 20),
  str('Sic', 20, { label: 'SIC Code' }),
  f('LastActivityDate', 'date', RO),
  pick('AccountSource', P('leadSource')),
  pick('CleanStatus', P('cleanStatus')),
  pick('Region__c', P('region')),
  int('Credit_Score__c', 3),
  ...location('HQ_Location__c'),
];

const contact: FieldSpec[] = [
  ...systemFields(true, true),
  ref('MasterRecordId', ['Contact'], 'MasterRecord', RO),
  ref('AccountId', ['Account'], 'Account'),
  str('LastName', 80, { nillable: false }),
  str('FirstName', 40),
  pick('Salutation', P('salutation')),
  str('Name', 121, { label: 'Full Name', nameField: true, ...RO, nillable: false }),
  ...address('Mailing'),
  ...address('Other'),
  phone('Phone'),
  phone('Fax'),
  phone('MobilePhone'),
  phone('HomePhone'),
  ref('ReportsToId', ['Contact'], 'ReportsTo'),
  f('Email', 'email', { length: 80 }),
  str('Title', 128),
  str('Department', 80),
  pick('LeadSource', P('leadSource')),
  f('Birthdate', 'date'),
  f('Description', 'textarea', { length: 32000 }),
  f('HasOptedOutOfEmail', 'boolean', { label: 'Email Opt Out' }),
  f('DoNotCall', 'boolean'),
  f('IsEmailBounced', 'boolean', RO),
  f('LastActivityDate', 'date', RO),
  pick('Preferred_Channel__c', P('channel')),
];

const lead: FieldSpec[] = [
  ...systemFields(true, true),
  ref('MasterRecordId', ['Lead'], 'MasterRecord', RO),
  str('LastName', 80, { nillable: false }),
  str('FirstName', 40),
  pick('Salutation', P('salutation')),
  str('Name', 121, { label: 'Full Name', nameField: true, ...RO, nillable: false }),
  str('Title', 128),
  str('Company', 255, { nillable: false }),
  ...address(''),
  phone('Phone'),
  phone('MobilePhone'),
  f('Email', 'email', { length: 80 }),
  f('Website', 'url', { length: 255 }),
  f('Description', 'textarea', { length: 32000 }),
  pick('Status', P('leadStatus'), { nillable: false, defaultedOnCreate: true }),
  pick('LeadSource', P('leadSource')),
  pick('Industry', P('industry')),
  pick('Rating', P('rating')),
  num('AnnualRevenue', 'currency', 18, 0),
  int('NumberOfEmployees', 8, { label: 'Employees' }),
  f('IsConverted', 'boolean', { label: 'Converted', ...RO }),
  f('ConvertedDate', 'date', RO),
  ref('ConvertedAccountId', ['Account'], 'ConvertedAccount', RO),
  ref('ConvertedContactId', ['Contact'], 'ConvertedContact', RO),
  ref('ConvertedOpportunityId', ['Opportunity'], 'ConvertedOpportunity', RO),
  f('IsUnreadByOwner', 'boolean', { label: 'Unread By Owner' }),
  f('HasOptedOutOfEmail', 'boolean', { label: 'Email Opt Out' }),
  int('Lead_Score__c', 3),
];

const opportunity: FieldSpec[] = [
  ...systemFields(true, true),
  ref('AccountId', ['Account'], 'Account'),
  f('IsPrivate', 'boolean', { label: 'Private' }),
  str('Name', 120, { nillable: false, nameField: true }),
  f('Description', 'textarea', { length: 32000 }),
  pick('StageName', P('stage'), { label: 'Stage', nillable: false }),
  num('Amount', 'currency', 18, 2),
  num('Probability', 'percent', 3, 0, { label: 'Probability (%)' }),
  num('ExpectedRevenue', 'currency', 18, 2, { label: 'Expected Amount', ...RO }),
  f('CloseDate', 'date', { nillable: false }),
  pick('Type', P('oppType'), { label: 'Opportunity Type' }),
  str('NextStep', 255),
  pick('LeadSource', P('leadSource')),
  f('IsClosed', 'boolean', { label: 'Closed', ...RO }),
  f('IsWon', 'boolean', { label: 'Won', ...RO }),
  pick('ForecastCategory', P('forecastCategory'), { ...RO, nillable: false }),
  pick('ForecastCategoryName', P('forecastCategoryName'), { label: 'Forecast Category' }),
  ref('CampaignId', ['Campaign'], 'Campaign'),
  f('HasOpportunityLineItem', 'boolean', { label: 'Has Line Item', ...RO }),
  ref('Pricebook2Id', ['Pricebook2'], 'Pricebook2'),
  int('FiscalYear', 4, RO),
  int('FiscalQuarter', 1, RO),
  str('Fiscal', 6, { label: 'Fiscal Period', ...RO }),
  f('LastActivityDate', 'date', RO),
  num('Discount_Percent__c', 'percent', 5, 2),
];

const kase: FieldSpec[] = [
  ...systemFields(true, true),
  ref('MasterRecordId', ['Case'], 'MasterRecord', RO),
  str('CaseNumber', 30, { label: 'Case Number', ...RO, nillable: false, autoNumber: true, nameField: true, defaultedOnCreate: true, idLookup: true }),
  ref('ContactId', ['Contact'], 'Contact'),
  ref('AccountId', ['Account'], 'Account'),
  ref('AssetId', ['Asset'], 'Asset'),
  ref('ParentId', ['Case'], 'Parent'),
  str('SuppliedName', 80, { label: 'Web Name' }),
  f('SuppliedEmail', 'email', { length: 80, label: 'Web Email' }),
  str('SuppliedPhone', 40, { label: 'Web Phone' }),
  str('SuppliedCompany', 80, { label: 'Web Company' }),
  pick('Type', P('caseType'), { label: 'Case Type' }),
  pick('Status', P('caseStatus'), { defaultedOnCreate: true }),
  pick('Reason', P('caseReason'), { label: 'Case Reason' }),
  pick('Origin', P('caseOrigin'), { label: 'Case Origin' }),
  str('Subject', 255),
  pick('Priority', P('casePriority'), { defaultedOnCreate: true }),
  f('Description', 'textarea', { length: 32000 }),
  f('IsClosed', 'boolean', { label: 'Closed', ...RO }),
  f('ClosedDate', 'datetime', { label: 'Closed Date', ...RO }),
  f('IsEscalated', 'boolean', { label: 'Escalated' }),
  f('ContactPhone', 'phone', { length: 40, ...RO }),
  f('ContactEmail', 'email', { length: 80, ...RO }),
  f('Comments', 'textarea', { length: 4000, label: 'Internal Comments' }),
  f('SLA_Due__c', 'datetime', { label: 'SLA Due' }),
];

const user: FieldSpec[] = [
  ...systemFields(false, false),
  str('Username', 80, { nillable: false, unique: true, idLookup: true }),
  str('LastName', 80, { nillable: false }),
  str('FirstName', 40),
  str('Name', 121, { label: 'Full Name', nameField: true, ...RO, nillable: false }),
  str('CompanyName', 80),
  str('Division', 80),
  str('Department', 80),
  str('Title', 80),
  ...address(''),
  f('Email', 'email', { length: 128, nillable: false }),
  phone('Phone'),
  phone('MobilePhone'),
  str('Alias', 8, { nillable: false }),
  str('CommunityNickname', 40, { label: 'Nickname', nillable: false, unique: true, idLookup: true }),
  f('IsActive', 'boolean', { label: 'Active' }),
  pick('TimeZoneSidKey', P('timeZone'), { label: 'Time Zone', nillable: false }),
  ref('UserRoleId', ['UserRole'], 'UserRole'),
  pick('LocaleSidKey', P('locale'), { label: 'Locale', nillable: false }),
  pick('EmailEncodingKey', P('emailEncoding'), { label: 'Email Encoding', nillable: false }),
  ref('ProfileId', ['Profile'], 'Profile', { nillable: false }),
  pick('UserType', P('userType'), { ...RO, defaultedOnCreate: true }),
  pick('LanguageLocaleKey', P('language'), { label: 'Language', nillable: false }),
  str('EmployeeNumber', 20),
  ref('ManagerId', ['User'], 'Manager'),
  f('LastLoginDate', 'datetime', { label: 'Last Login', ...RO }),
  ref('ContactId', ['Contact'], 'Contact', RO),
  ref('AccountId', ['Account'], 'Account', RO),
  str('FederationIdentifier', 512, { label: 'SAML Federation ID' }),
  f('UserPermissionsMarketingUser', 'boolean', { label: 'Marketing User' }),
  f('UserPermissionsOfflineUser', 'boolean', { label: 'Offline User' }),
  f('UserPermissionsSupportUser', 'boolean', { label: 'Service Cloud User' }),
  f('UserPreferencesActivityRemindersPopup', 'boolean', { label: 'ActivityRemindersPopup' }),
  f('UserPreferencesEventRemindersCheckboxDefault', 'boolean', { label: 'EventRemindersCheckboxDefault' }),
  str('Employee_Number__c', 20, { label: 'Employee Number (HR)' }),
];

const child = (childSObject: string, field: string, relationshipName: string | null, cascadeDelete = false) =>
  ({ childSObject, field, relationshipName, cascadeDelete });

function objectSpec(name: SObjectName, label: string, labelPlural: string, fields: FieldSpec[], children: ObjectSpec['children']): ObjectSpec {
  // Text fields report byteLength 3×length, which describe derives; lengths of short text parts default here.
  for (const fs of fields) {
    if (fs.length === 0 && (fs.type === 'string' || fs.type === 'picklist')) fs.length = 255;
  }
  return {
    name, label, labelPlural, keyPrefix: KEY_PREFIX[name], fields, children,
    byName: new Map(fields.map((fs) => [fs.name.toLowerCase(), fs])),
  };
}

export const CATALOG: Record<SObjectName, ObjectSpec> = {
  Account: objectSpec('Account', 'Account', 'Accounts', account, [
    child('Account', 'ParentId', 'ChildAccounts'), child('Contact', 'AccountId', 'Contacts'),
    child('Opportunity', 'AccountId', 'Opportunities', true), child('Case', 'AccountId', 'Cases'),
  ]),
  Contact: objectSpec('Contact', 'Contact', 'Contacts', contact, [
    child('Case', 'ContactId', 'Cases'), child('Contact', 'ReportsToId', null),
  ]),
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
    const body = storedFields(object).map((fs) => `${JSON.stringify(fs.name)}:null`).join(',');
    make = new Function(`return () => ({${body}});`)() as () => SRecord;
    factories.set(object, make);
  }
  return make();
}
