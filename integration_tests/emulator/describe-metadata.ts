/**
 * Describe responses (global and per object) built from the field catalog, shaped like a real org's:
 * every key present, nulls where there is no value, keys in the order Salesforce emits them.
 */
import { specOf, type FieldSpec, type FieldType, type ObjectSpec, type SObjectName } from './field-catalog.js';

const SOAP_TYPE: Record<FieldType, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  picklist: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  address: 'urn:address',
  location: 'urn:location',
  long: 'xsd:long',
  time: 'xsd:time',
  combobox: 'xsd:string',
  encryptedstring: 'xsd:string',
  base64: 'xsd:base64Binary',
  anyType: 'xsd:anyType',
  json: 'tns:json',
};

const TEXTUAL = new Set<FieldType>(['string', 'textarea', 'picklist', 'email', 'phone', 'url', 'combobox', 'encryptedstring']);

/** A compound address can be filtered on (by DISTANCE), not sorted or grouped. */
function isFilterable(fs: FieldSpec): boolean {
  if (fs.type === 'location' || fs.type === 'base64' || fs.type === 'anyType' || fs.type === 'json') return false;
  return !(fs.type === 'textarea' && fs.length > 255);
}

/** References a real describe does not offer as search prefilters: the owner, the audit users and the merge master. */
const NOT_PREFILTERS = new Set(['OwnerId', 'CreatedById', 'LastModifiedById', 'MasterRecordId']);

export function fieldDescribe(fs: FieldSpec): Record<string, unknown> {
  const textual = TEXTUAL.has(fs.type);
  const filterable = isFilterable(fs);
  const compound = fs.type === 'address';
  const groupable = filterable && !compound && !['double', 'currency', 'percent', 'datetime'].includes(fs.type);
  const length = textual || fs.type === 'id' || fs.type === 'reference' ? fs.length : 0;
  const described: Record<string, unknown> = {
    aggregatable: filterable && !compound && fs.type !== 'boolean',
    aiPredictionField: false,
    autoNumber: fs.autoNumber,
    byteLength: textual ? fs.length * 3 : length,
    calculated: fs.calculated,
    calculatedFormula: fs.calculated ? 'TODAY() - DATEVALUE(CreatedDate)' : null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: fs.compoundFieldName,
    controllerName: null,
    createable: fs.createable,
    custom: fs.custom,
    defaultValue: fs.type === 'boolean' ? false : fs.defaultValue,
    defaultValueFormula: null,
    defaultedOnCreate: fs.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: fs.digits,
    displayLocationInDecimal: fs.type === 'location',
    encrypted: false,
    externalId: fs.externalId,
    extraTypeInfo: fs.extraTypeInfo ?? (fs.type === 'textarea' ? 'plaintextarea' : fs.type === 'url' && fs.name === 'PhotoUrl' ? 'imageurl' : null),
    filterable,
    filteredLookupInfo: null,
    formulaTreatNullNumberAsZero: false,
    groupable,
    highScaleNumber: false,
    htmlFormatted: false,
    idLookup: fs.idLookup,
    inlineHelpText: null,
    label: fs.label,
    length,
    mask: null,
    maskType: null,
    name: fs.name,
    nameField: fs.nameField,
    namePointing: fs.referenceTo.length > 1,
    nillable: fs.nillable,
    permissionable: compound || (fs.nillable && !fs.nameField && fs.createable && fs.type !== 'id'),
    picklistValues: fs.picklist.map((value) => ({ active: true, defaultValue: value === fs.defaultValue, label: value, validFor: null, value })),
    polymorphicForeignKey: fs.referenceTo.length > 1,
    precision: fs.precision,
    queryByDistance: compound,
    referenceTargetField: null,
    referenceTo: fs.referenceTo,
    relationshipName: fs.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: fs.restrictedPicklist,
    scale: fs.scale,
    searchPrefilterable: fs.type === 'reference' && !NOT_PREFILTERS.has(fs.name),
    soapType: SOAP_TYPE[fs.type],
    sortable: filterable && !compound,
    type: fs.type,
    unique: fs.unique,
    updateable: fs.updateable,
    writeRequiresMasterRead: false,
  };
  // Assigning existing keys keeps their place: the key order stays Salesforce's.
  return Object.assign(described, fs.describe);
}

/**
 * An object's `urls`, in a real org's order: those every object with layouts lists (objects differ
 * in the others: approval layouts, list views, quick actions), and in a full describe the UI
 * templates of the org's host (`instanceHost`).
 */
function objectUrls(spec: ObjectSpec, version: string, instanceHost?: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${spec.name}`;
  const ui = `https://${instanceHost}`;
  if (!objectFlags(spec).layoutable) return { rowTemplate: `${base}/{ID}`, describe: `${base}/describe`, sobject: base };
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    ...(instanceHost ? { uiDetailTemplate: `${ui}/{ID}`, uiEditTemplate: `${ui}/{ID}/e` } : {}),
    describe: `${base}/describe`,
    ...(instanceHost && spec.keyPrefix ? { uiNewRecord: `${ui}/${spec.keyPrefix}/e` } : {}),
    layouts: `${base}/describe/layouts`,
    sobject: base,
  };
}

type ObjectFlags = Record<string, unknown>;

/** The six read by default are the objects with feed tracking on. */
const FEED_TRACKED = new Set(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User']);

/** Objects Salesforce keeps for itself: no create, edit, layouts, triggers or recent items. */
const KEPT = { createable: false, updateable: false, layoutable: false, mruEnabled: false, triggerable: false };

/**
 * What a real org's global describe (v59) says of these objects where no rule gives it: the
 * objects Salesforce keeps for itself, those it does not replicate (no Get Deleted for them), and
 * single flags. (Campaign's create, edit and delete there depend on the user being a Marketing
 * User, so they are left as they are.)
 */
const RECORDED_FLAGS: Record<string, ObjectFlags> = {
  Opportunity: { deepCloneable: true },
  Case: { mergeable: false, searchable: true },
  Task: { searchable: true },
  Event: { searchable: true },
  CampaignMember: { mruEnabled: false, undeletable: false },
  OpportunityLineItem: { undeletable: false },
  Contract: { activateable: true, searchable: true },
  Attachment: { layoutable: false, mruEnabled: false },
  AccountHistory: { ...KEPT, deletable: false, undeletable: false, associateEntityType: 'History', associateParentEntity: 'Account' },
  OpportunityFieldHistory: { ...KEPT, deletable: false, undeletable: false, associateEntityType: 'History', associateParentEntity: 'Opportunity' },
  UserLicense: { ...KEPT, replicateable: false },
  PermissionSetLicense: { ...KEPT, layoutable: true, deletable: false, undeletable: false, replicateable: false, searchable: true },
  PermissionSetLicenseAssign: { layoutable: false, mruEnabled: false, triggerable: false, undeletable: false, replicateable: false },
  LoginHistory: { ...KEPT, replicateable: false },
  AccountFeed: { ...KEPT, deletable: true, associateEntityType: 'Feed', associateParentEntity: 'Account' },
  AccountShare: {
    layoutable: false,
    mruEnabled: false,
    triggerable: false,
    deletable: true,
    replicateable: false,
    associateEntityType: 'Share',
    associateParentEntity: 'Account',
  },
  ContentDocumentLink: { deletable: true, mruEnabled: false, replicateable: false },
};

/** The flags shared by the global-describe entry and the full describe. */
function objectFlags(spec: ObjectSpec): ObjectFlags {
  const isUser = spec.name === 'User';
  const deletable = spec.byName.has('isdeleted');
  const flags: ObjectFlags = {
    activateable: false,
    associateEntityType: null,
    associateParentEntity: null,
    createable: spec.byName.has('id'),
    custom: /__(c|x|e|b)$/.test(spec.name),
    customSetting: false,
    deepCloneable: false,
    deletable,
    deprecatedAndHidden: false,
    feedEnabled: FEED_TRACKED.has(spec.name),
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: spec.keyPrefix,
    label: spec.label,
    labelPlural: spec.labelPlural,
    layoutable: true,
    mergeable: ['Account', 'Contact', 'Lead', 'Case'].includes(spec.name),
    mruEnabled: true,
    name: spec.name,
    queryable: spec.queryable,
    replicateable: spec.queryable && spec.byName.has('id'),
    retrieveable: spec.byName.has('id'),
    searchable: spec.byName.has('name'),
    triggerable: spec.byName.has('id'),
    undeletable: deletable && !isUser,
    updateable: true,
  };
  // Assigning existing keys keeps their place in Salesforce's order.
  return Object.assign(flags, RECORDED_FLAGS[spec.name]);
}

export function globalDescribe(objects: SObjectName[], version: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: objects.map((name) => {
      const spec = specOf(name);
      return { ...objectFlags(spec), urls: objectUrls(spec, version) };
    }),
  };
}

/** Full describe of one object; `hidden` holds lower-cased names of fields the user cannot read. */
export function objectDescribe(name: SObjectName, hidden: ReadonlySet<string>, version: string, instanceHost: string): Record<string, unknown> {
  const spec = specOf(name);
  const flags = objectFlags(spec);
  const visible = spec.fields.filter((fs) => !hidden.has(fs.name.toLowerCase()));
  const described: Record<string, unknown> = {
    actionOverrides: [],
    activateable: flags.activateable,
    associateEntityType: flags.associateEntityType,
    associateParentEntity: flags.associateParentEntity,
    childRelationships: spec.children.map((c) => ({
      cascadeDelete: c.cascadeDelete,
      childSObject: c.childSObject,
      deprecatedAndHidden: false,
      field: c.field,
      junctionIdListNames: [],
      junctionReferenceTo: [],
      relationshipName: c.relationshipName,
      restrictedDelete: false,
    })),
    compactLayoutable: true,
    createable: flags.createable,
    custom: flags.custom,
    customSetting: flags.customSetting,
    deepCloneable: flags.deepCloneable,
    defaultImplementation: null,
    deletable: flags.deletable,
    deprecatedAndHidden: flags.deprecatedAndHidden,
    extendedBy: null,
    extendsInterfaces: null,
    feedEnabled: flags.feedEnabled,
    fields: visible.map(fieldDescribe),
    hasSubtypes: flags.hasSubtypes,
    implementedBy: null,
    implementsInterfaces: null,
    isInterface: flags.isInterface,
    isSubtype: flags.isSubtype,
    keyPrefix: flags.keyPrefix,
    label: flags.label,
    labelPlural: flags.labelPlural,
    layoutable: flags.layoutable,
    listviewable: null,
    lookupLayoutable: null,
    mergeable: flags.mergeable,
    mruEnabled: flags.mruEnabled,
    name: spec.name,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    queryable: flags.queryable,
    recordTypeInfos: [
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: '012000000000000AAA',
        urls: { layout: `/services/data/v${version}/sobjects/${spec.name}/describe/layouts/012000000000000AAA` },
      },
    ],
    replicateable: flags.replicateable,
    retrieveable: flags.retrieveable,
    searchLayoutable: true,
    searchable: flags.searchable,
    sobjectDescribeOption: 'FULL',
    supportedScopes: [
      { label: 'All ' + spec.labelPlural.toLowerCase(), name: 'everything' },
      { label: 'My ' + spec.labelPlural.toLowerCase(), name: 'mine' },
    ],
    triggerable: flags.triggerable,
    undeletable: flags.undeletable,
    updateable: flags.updateable,
    urls: objectUrls(spec, version, instanceHost),
  };
  return described;
}

/** `GET …/sobjects/{Name}`: the short form with recent items. */
export function objectBasicInfo(name: SObjectName, version: string): Record<string, unknown> {
  const spec = specOf(name);
  return { objectDescribe: { ...objectFlags(spec), urls: objectUrls(spec, version) }, recentItems: [] };
}
