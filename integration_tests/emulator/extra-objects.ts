/**
 * Objects beyond the six, for orgs that select them (EmulatorOptions.objects): more standard
 * objects with their real field types, history objects (CreatedDate but no SystemModstamp), licence
 * objects, an object without Id, objects "*" must leave out, custom objects (configurable), and
 * generated custom objects for an org of a thousand objects (defined lazily). Their records are
 * made by generic-records.ts from the field types.
 */
import { defineObject, objectSpec, SOBJECT_NAMES, type ObjectSpec } from './field-catalog.js';
import { address, f, int, num, pick, ref, RO, str, systemFields, type FieldSpec, type FieldType } from './field-spec.js';

const created = (o = {}) => [
  f('CreatedDate', 'datetime', { ...RO, nillable: false, defaultedOnCreate: true, ...o }),
  ref('CreatedById', ['User'], 'CreatedBy', RO),
];
const idField = () => f('Id', 'id', { ...RO, label: 'Record ID', length: 18, nillable: false, idLookup: true, defaultedOnCreate: true });
const nameField = (label = 'Name') => str('Name', 80, { label, nillable: false, nameField: true });

/** Field history: who changed which field from what to what. Append-only: no LastModifiedDate, no SystemModstamp. */
function historyFields(parent: string, parentField: string): FieldSpec[] {
  return [
    idField(),
    f('IsDeleted', 'boolean', { ...RO, label: 'Deleted' }),
    ref(parentField, [parent], parent, RO),
    ...created(),
    pick('Field', ['created', 'Name', 'Owner', 'StageName', 'Amount', 'Industry', 'Rating'], RO),
    pick('DataType', ['Text', 'Currency', 'DateOnly', 'EntityId', 'DynamicEnum'], RO),
    f('OldValue', 'anyType', RO),
    f('NewValue', 'anyType', RO),
  ];
}

type Definition = [name: string, keyPrefix: string | null, fields: FieldSpec[], queryable?: boolean];

const STANDARD: Definition[] = [
  [
    'Task',
    '00T',
    [
      ...systemFields(true, true),
      ref('WhoId', ['Contact', 'Lead'], 'Who'),
      ref('WhatId', ['Account', 'Opportunity', 'Case'], 'What'),
      f('Subject', 'combobox', { length: 255, picklist: ['Call', 'Send Letter', 'Send Quote', 'Other'] }),
      f('ActivityDate', 'date', { label: 'Due Date Only' }),
      pick('Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], { nillable: false }),
      pick('Priority', ['High', 'Normal', 'Low'], { nillable: false }),
      f('IsClosed', 'boolean', RO),
      f('Description', 'textarea', { length: 32000 }),
      f('ReminderDateTime', 'datetime'),
      int('CallDurationInSeconds', 8),
    ],
  ],
  [
    'Event',
    '00U',
    [
      // A calendar may own an Event; Events have no LastViewedDate or LastReferencedDate.
      ...systemFields(['Calendar', 'User'], true, false),
      ref('WhoId', ['Contact', 'Lead'], 'Who'),
      ref('WhatId', ['Account', 'Opportunity'], 'What'),
      f('Subject', 'combobox', {
        length: 255,
        picklist: ['Call', 'Email', 'Meeting', 'Other'],
        nameField: true,
        describe: { groupable: false, permissionable: false },
      }),
      str('Location', 255),
      f('StartDateTime', 'datetime', { describe: { permissionable: false } }),
      f('EndDateTime', 'datetime', { describe: { permissionable: false } }),
      int('DurationInMinutes', 8, { describe: { permissionable: false } }),
      f('IsAllDayEvent', 'boolean', { describe: { permissionable: true } }),
    ],
  ],
  [
    'Campaign',
    '701',
    [
      ...systemFields(true, true),
      nameField('Campaign Name'),
      pick('Type', ['Conference', 'Webinar', 'Email', 'Advertisement', 'Other']),
      pick('Status', ['Planned', 'In Progress', 'Completed', 'Aborted']),
      f('StartDate', 'date'),
      f('EndDate', 'date'),
      num('BudgetedCost', 'currency', 18, 0),
      num('ExpectedResponse', 'percent', 10, 2),
      f('IsActive', 'boolean'),
    ],
  ],
  [
    'CampaignMember',
    '00v',
    [
      ...systemFields(false, true),
      ref('CampaignId', ['Campaign'], 'Campaign', { nillable: false }),
      ref('LeadId', ['Lead'], 'Lead'),
      ref('ContactId', ['Contact'], 'Contact'),
      pick('Status', ['Sent', 'Responded']),
      f('HasResponded', 'boolean', RO),
      f('FirstRespondedDate', 'date', RO),
    ],
  ],
  [
    'Product2',
    '01t',
    [
      ...systemFields(false, true),
      nameField('Product Name'),
      str('ProductCode', 255),
      f('Description', 'textarea', { length: 4000 }),
      f('IsActive', 'boolean'),
      pick('Family', ['Hardware', 'Software', 'Services']),
      str('StockKeepingUnit', 180),
    ],
  ],
  [
    'Pricebook2',
    '01s',
    [...systemFields(false, true), nameField('Price Book Name'), f('IsActive', 'boolean'), f('IsStandard', 'boolean', RO), str('Description', 255)],
  ],
  [
    'OpportunityLineItem',
    '00k',
    [
      ...systemFields(false, true),
      ref('OpportunityId', ['Opportunity'], 'Opportunity', { nillable: false }),
      ref('Product2Id', ['Product2'], 'Product2', RO),
      num('Quantity', 'double', 12, 2),
      num('UnitPrice', 'currency', 18, 2),
      num('TotalPrice', 'currency', 18, 2),
      f('ServiceDate', 'date'),
      num('Discount', 'percent', 18, 2),
    ],
  ],
  [
    'Contract',
    '800',
    [
      ...systemFields(true, true),
      ref('AccountId', ['Account'], 'Account', { nillable: false }),
      pick('Status', ['Draft', 'In Approval Process', 'Activated'], { nillable: false }),
      f('StartDate', 'date'),
      f('EndDate', 'date', RO),
      int('ContractTerm', 4),
      ...address('Billing'),
      f('SpecialTerms', 'textarea', { length: 4000 }),
    ],
  ],
  [
    'Quote',
    '0Q0',
    [
      ...systemFields(true, true),
      nameField('Quote Name'),
      ref('OpportunityId', ['Opportunity'], 'Opportunity'),
      pick('Status', ['Draft', 'Needs Review', 'Approved', 'Accepted', 'Denied']),
      f('ExpirationDate', 'date'),
      num('GrandTotal', 'currency', 18, 2, RO),
      f('Email', 'email', { length: 80 }),
    ],
  ],
  [
    'Asset',
    '02i',
    [
      ...systemFields(true, true),
      nameField('Asset Name'),
      ref('AccountId', ['Account'], 'Account'),
      str('SerialNumber', 80),
      f('InstallDate', 'date'),
      num('Price', 'currency', 18, 2),
      num('Quantity', 'double', 12, 2),
      f('UsageEndDate', 'date'),
    ],
  ],
  [
    'Attachment',
    '00P',
    [
      ...systemFields(true, true),
      ref('ParentId', ['Account', 'Opportunity', 'Case'], 'Parent', { nillable: false }),
      str('Name', 255, { nillable: false, nameField: true }),
      f('IsPrivate', 'boolean'),
      str('ContentType', 120),
      int('BodyLength', 18, RO),
      f('Body', 'base64', { nillable: false }),
      f('Description', 'textarea', { length: 500 }),
    ],
  ],
  ['AccountHistory', '017', historyFields('Account', 'AccountId')],
  // Real field history Ids share the prefix 017; the emulator keeps one prefix per object so Ids stay unique.
  ['OpportunityFieldHistory', '0Fz', historyFields('Opportunity', 'OpportunityId')],
  [
    'UserLicense',
    '100',
    [
      idField(),
      str('LicenseDefinitionKey', 40, RO),
      nameField('Name'),
      str('MasterLabel', 80, RO),
      int('TotalLicenses', 9, RO),
      int('UsedLicenses', 9, RO),
      f('UsedLicensesLastUpdated', 'datetime', RO),
      pick('Status', ['Active', 'Disabled'], RO),
      int('MonthlyLoginsUsed', 9, RO),
      int('MonthlyLoginsEntitlement', 9, RO),
      ...created(),
      f('LastModifiedDate', 'datetime', RO),
      f('SystemModstamp', 'datetime', RO),
    ],
  ],
  [
    'PermissionSetLicense',
    '0PL',
    [
      ...systemFields(false, true),
      str('DeveloperName', 80, RO),
      str('MasterLabel', 80, RO),
      int('TotalLicenses', 9, RO),
      int('UsedLicenses', 9, RO),
      pick('Status', ['Active', 'Disabled'], RO),
      f('ExpirationDate', 'date', RO),
    ],
  ],
  [
    'PermissionSetLicenseAssign',
    '2LA',
    [
      ...systemFields(false, true),
      ref('AssigneeId', ['User'], 'Assignee', { nillable: false }),
      ref('PermissionSetLicenseId', ['PermissionSetLicense'], 'PermissionSetLicense', { nillable: false }),
    ],
  ],
  // Login history: an Id but no CreatedDate, LastModifiedDate or SystemModstamp, only LoginTime.
  [
    'LoginHistory',
    '0Ya',
    [
      idField(),
      ref('UserId', ['User'], 'User', RO),
      f('LoginTime', 'datetime', RO),
      pick('LoginType', ['Application', 'Remote Access 2.0'], RO),
      str('SourceIp', 39, RO),
      str('Status', 128, RO),
    ],
  ],
  // An emulator object without Id: aggregate-like rows, full refresh only.
  ['OrgUsageSnapshot', null, [str('Metric', 80, RO), f('Value', 'long', RO), f('Unit', 'encryptedstring', { length: 40, ...RO }), f('CapturedAt', 'time', RO)]],
  // Objects "*" leaves out, each for its own reason.
  [
    'AccountFeed',
    '0D5',
    [idField(), ref('ParentId', ['Account'], 'Parent'), ...created(), f('SystemModstamp', 'datetime', RO), f('Body', 'textarea', { length: 10000 })],
  ],
  [
    'AccountShare',
    '00r',
    [idField(), ref('AccountId', ['Account'], 'Account'), ref('UserOrGroupId', ['User'], 'UserOrGroup'), pick('AccountAccessLevel', ['Read', 'Edit', 'All'])],
  ],
  ['Order_Event__e', 'e00', [...created(), str('ReplayId', 255, RO), str('Order_Number__c', 40)]],
  ['Legacy_Ledger__x', 'x00', [idField(), str('ExternalId', 255), str('DisplayUrl', 1000), num('Amount__c', 'currency', 18, 2)]],
  ['Archive_Record__b', 'b00', [idField(), ...created(), str('Payload__c', 255)]],
  ['ContentDocumentLink', '06A', [idField(), ref('LinkedEntityId', ['Account'], 'LinkedEntity'), str('ShareType', 40), f('SystemModstamp', 'datetime', RO)]],
  ['ProcessWorkitemSummary', '04j', [idField(), str('Name', 80)], false],
];

const label = (name: string) => name.replace(/__\w$/, '').replace(/_/g, ' ');

for (const [name, prefix, fields, queryable] of STANDARD) {
  defineObject(name, () => objectSpec(name, label(name), `${label(name)}s`, fields, [], prefix, queryable ?? true));
}

/** The default custom object: an invoice per account, with the usual custom field types. */
export const INVOICE_FIELDS: FieldSpec[] = [
  ...systemFields(true, true),
  str('Name', 80, { label: 'Invoice Number', nillable: false, nameField: true }),
  ref('Account__c', ['Account'], 'Account__r'),
  num('Amount__c', 'currency', 16, 2),
  f('Due_Date__c', 'date'),
  pick('Status__c', ['Draft', 'Sent', 'Paid', 'Void']),
  f('Paid__c', 'boolean'),
  f('Notes__c', 'textarea', { length: 131072 }),
  f('Payment_Reference__c', 'encryptedstring', { length: 175 }),
  f('Send_Time__c', 'time'),
];

/** Every object above plus Invoice__c: the objects a test selects for a rich org besides the six. */
export const EXTRA_OBJECTS: readonly string[] = [...STANDARD.map(([name]) => name), 'Invoice__c'];
export const RICH_ORG_OBJECTS: readonly string[] = [...SOBJECT_NAMES, ...EXTRA_OBJECTS];

export interface CustomObjectOptions {
  /** API name, ending in __c */
  name: string;
  /** Custom fields (name → type) besides the system fields and Name; default: Invoice__c's fields. */
  fields?: Record<string, FieldType>;
  /** Formula fields (name → result type): read-only, described `calculated: true`. */
  formulas?: Record<string, FieldType>;
}

let customPrefixes = 0;
/** Key prefixes a00…: one per custom object defined in this process. */
function nextCustomPrefix(): string {
  const n = customPrefixes++;
  return `a${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(n / 36) % 36]}${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 36]}`;
}

export function defineCustomObject(options: CustomObjectOptions): void {
  const prefix = nextCustomPrefix();
  const fields = options.fields
    ? [
        ...systemFields(true, true),
        nameField(),
        ...Object.entries(options.fields).map(([name, type]) => f(name, type, type === 'string' ? { length: 255 } : {})),
      ]
    : [...INVOICE_FIELDS];
  for (const [name, type] of Object.entries(options.formulas ?? {})) {
    fields.push(f(name, type, { createable: false, updateable: false, calculated: true, ...(type === 'string' ? { length: 1300 } : {}) }));
  }
  const { name } = options;
  defineObject(name, () =>
    objectSpec(
      name,
      label(name),
      `${label(name)}s`,
      fields.map((x) => ({ ...x })),
      [],
      prefix,
    ),
  );
}

defineCustomObject({ name: 'Invoice__c' });

const GENERATED_TYPES: FieldType[] = ['string', 'double', 'date', 'datetime', 'boolean', 'picklist', 'currency', 'int', 'textarea', 'email'];

/** Names of `count` generated custom objects, each with `fieldCount` fields (defined lazily). */
export function defineGeneratedObjects(count: number, fieldCount: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `Generated_${String(i).padStart(4, '0')}__c`;
    const prefix = `g${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(i / 36) % 36]}${'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[i % 36]}`;
    defineObject(name, () => {
      const system = systemFields(true, true);
      const extra = Array.from({ length: Math.max(0, fieldCount - system.length) }, (_, j) => {
        const type = GENERATED_TYPES[j % GENERATED_TYPES.length];
        return type === 'picklist'
          ? pick(`Field_${j}__c`, ['A', 'B', 'C'])
          : f(`Field_${j}__c`, type, type === 'string' || type === 'email' ? { length: 255 } : {});
      });
      return objectSpec(name, label(name), `${label(name)}s`, [...system, ...extra], [], prefix);
    });
    names.push(name);
  }
  return names;
}

export type { ObjectSpec };
