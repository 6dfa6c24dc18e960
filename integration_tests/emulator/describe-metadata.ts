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

function isFilterable(fs: FieldSpec): boolean {
  if (fs.type === 'address' || fs.type === 'location' || fs.type === 'base64' || fs.type === 'anyType' || fs.type === 'json') return false;
  return !(fs.type === 'textarea' && fs.length > 255);
}

export function fieldDescribe(fs: FieldSpec): Record<string, unknown> {
  const textual = TEXTUAL.has(fs.type);
  const filterable = isFilterable(fs);
  const groupable = filterable && !['double', 'currency', 'percent', 'datetime'].includes(fs.type);
  const length = textual || fs.type === 'id' || fs.type === 'reference' ? fs.length : 0;
  return {
    aggregatable: filterable && fs.type !== 'boolean',
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
    defaultValue: fs.type === 'boolean' ? false : null,
    defaultValueFormula: null,
    defaultedOnCreate: fs.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: fs.digits,
    displayLocationInDecimal: fs.type === 'location',
    encrypted: false,
    externalId: fs.externalId,
    extraTypeInfo: fs.type === 'textarea' ? 'plaintextarea' : fs.type === 'url' && fs.name === 'PhotoUrl' ? 'imageurl' : null,
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
    permissionable: fs.nillable && !fs.nameField && fs.createable && fs.type !== 'id',
    picklistValues: fs.picklist.map((value) => ({ active: true, defaultValue: false, label: value, validFor: null, value })),
    polymorphicForeignKey: fs.referenceTo.length > 1,
    precision: fs.precision,
    queryByDistance: false,
    referenceTargetField: null,
    referenceTo: fs.referenceTo,
    relationshipName: fs.relationshipName,
    relationshipOrder: null,
    restrictedDelete: false,
    restrictedPicklist: false,
    scale: fs.scale,
    searchPrefilterable: fs.type === 'reference',
    soapType: SOAP_TYPE[fs.type],
    sortable: filterable,
    type: fs.type,
    unique: fs.unique,
    updateable: fs.updateable,
    writeRequiresMasterRead: false,
  };
}

function objectUrls(spec: ObjectSpec, version: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${spec.name}`;
  return {
    compactLayouts: `${base}/describe/compactLayouts`,
    rowTemplate: `${base}/{ID}`,
    approvalLayouts: `${base}/describe/approvalLayouts`,
    describe: `${base}/describe`,
    quickActions: `${base}/quickActions`,
    layouts: `${base}/describe/layouts`,
    sobject: base,
  };
}

/** The flags shared by the global-describe entry and the full describe. */
function objectFlags(spec: ObjectSpec): Record<string, unknown> {
  const isUser = spec.name === 'User';
  const deletable = spec.byName.has('isdeleted');
  return {
    activateable: false,
    createable: spec.byName.has('id'),
    custom: /__(c|x|e|b)$/.test(spec.name),
    customSetting: false,
    deepCloneable: false,
    deletable,
    deprecatedAndHidden: false,
    feedEnabled: true,
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
}

export function globalDescribe(objects: SObjectName[], version: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: objects.map((name) => {
      const spec = specOf(name);
      const urls = objectUrls(spec, version);
      return {
        ...objectFlags(spec),
        urls: { sobject: urls.sobject, describe: urls.describe, rowTemplate: urls.rowTemplate },
      };
    }),
  };
}

/** Full describe of one object; `hidden` holds lower-cased names of fields the user cannot read. */
export function objectDescribe(name: SObjectName, hidden: ReadonlySet<string>, version: string, instanceHost: string): Record<string, unknown> {
  const spec = specOf(name);
  const flags = objectFlags(spec);
  const urls = objectUrls(spec, version);
  const visible = spec.fields.filter((fs) => !hidden.has(fs.name.toLowerCase()));
  const described: Record<string, unknown> = {
    actionOverrides: [],
    activateable: flags.activateable,
    associateEntityType: null,
    associateParentEntity: null,
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
    urls: { ...urls, uiDetailTemplate: `https://${instanceHost}/{ID}` },
  };
  return described;
}

/** `GET …/sobjects/{Name}`: the short form with recent items. */
export function objectBasicInfo(name: SObjectName, version: string): Record<string, unknown> {
  const spec = specOf(name);
  const urls = objectUrls(spec, version);
  return {
    objectDescribe: { ...objectFlags(spec), urls: { sobject: urls.sobject, describe: urls.describe, rowTemplate: urls.rowTemplate } },
    recentItems: [],
  };
}
