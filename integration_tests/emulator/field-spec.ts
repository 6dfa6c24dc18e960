/**
 * The shape of a field in the emulated schema and the builders the object definitions use, with
 * Salesforce's defaults (booleans not nillable, system fields read-only, compound parts linked).
 */
import { PICKLISTS } from './picklists.js';

export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'picklist'
  | 'email'
  | 'phone'
  | 'url'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'address'
  | 'location'
  | 'long'
  | 'time'
  | 'combobox'
  | 'encryptedstring'
  | 'base64'
  | 'anyType'
  | 'json';

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
  /** A formula field: its value is computed, and changes without moving the record's SystemModstamp. */
  calculated: boolean;
  /** A picklist that refuses values outside its list (describe's restrictedPicklist). */
  restrictedPicklist: boolean;
  /** The picklist value a new record takes (describe's defaultValue). */
  defaultValue: string | null;
  /** describe's extraTypeInfo where it is not derived from the type (personname, imageurl, ...) */
  extraTypeInfo: string | null;
  /**
   * Describe keys whose recorded value no rule derives (a real org's answer for this field, see
   * integration_tests/realwire): they replace the derived ones.
   */
  describe: Record<string, unknown>;
}

export type Opts = Partial<Omit<FieldSpec, 'name' | 'type'>>;

function labelFor(name: string): string {
  const base = name.replace(/__c$|__s$/, '').replace(/_/g, ' ');
  const spaced = base.replace(/([a-z])([A-Z])/g, '$1 $2');
  return spaced.endsWith(' Id') ? `${spaced.slice(0, -3)} ID` : spaced;
}

export function f(name: string, type: FieldType, o: Opts = {}): FieldSpec {
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
    calculated: o.calculated ?? false,
    restrictedPicklist: o.restrictedPicklist ?? false,
    defaultValue: o.defaultValue ?? null,
    extraTypeInfo: o.extraTypeInfo ?? null,
    describe: o.describe ?? {},
  };
}

export const RO: Opts = { createable: false, updateable: false };
export const str = (name: string, length: number, o: Opts = {}) => f(name, 'string', { length, ...o });
export const pick = (name: string, picklist: string[], o: Opts = {}) => f(name, 'picklist', { length: 255, picklist, ...o });
/** Many standard picklists are 40 long, not 255 (a real describe's GeocodeAccuracy, CleanStatus, Salutation, Case's). */
export const shortPick = (name: string, picklist: string[], o: Opts = {}) => pick(name, picklist, { length: 40, ...o });
/** The parts of a person's name: FirstName, LastName and Salutation belong to the compound Name. */
export const NAME_PART: Opts = { compoundFieldName: 'Name', extraTypeInfo: 'personname' };
export const ref = (name: string, to: string[], rel: string, o: Opts = {}) =>
  f(name, 'reference', { length: 18, referenceTo: to, relationshipName: rel, ...o });
export const phone = (name: string) => f(name, 'phone', { length: 40 });
export const num = (name: string, type: 'double' | 'currency' | 'percent', precision: number, scale: number, o: Opts = {}) =>
  f(name, type, { precision, scale, ...o });
export const int = (name: string, digits: number, o: Opts = {}) => f(name, 'int', { digits, ...o });

export const P = (k: keyof typeof PICKLISTS): string[] => [...PICKLISTS[k]];

/** Street, City, …, GeocodeAccuracy plus the compound `<prefix>Address` that groups them. */
export function address(prefix: string): FieldSpec[] {
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
    shortPick(`${prefix}GeocodeAccuracy`, P('geocodeAccuracy'), part({ restrictedPicklist: true })),
    f(compound, 'address', {
      ...RO,
      components: {
        city: `${prefix}City`,
        country: `${prefix}Country`,
        geocodeAccuracy: `${prefix}GeocodeAccuracy`,
        latitude: `${prefix}Latitude`,
        longitude: `${prefix}Longitude`,
        postalCode: `${prefix}PostalCode`,
        state: `${prefix}State`,
        street: `${prefix}Street`,
      },
    }),
  ];
}

export function location(name: string): FieldSpec[] {
  const base = name.replace(/__c$/, '');
  return [
    f(name, 'location', { precision: 18, scale: 15, components: { latitude: `${base}__Latitude__s`, longitude: `${base}__Longitude__s` } }),
    num(`${base}__Latitude__s`, 'double', 18, 15, { compoundFieldName: name, custom: true }),
    num(`${base}__Longitude__s`, 'double', 18, 15, { compoundFieldName: name, custom: true }),
  ];
}

/**
 * Id, IsDeleted, OwnerId and the audit fields. `owned`: whom OwnerId may name (a queue too on Lead
 * and Case, only a user on Account, Contact and Opportunity, a calendar on Event), or false.
 * `viewed`: LastViewedDate and LastReferencedDate (Event and Task have neither).
 */
export function systemFields(owned: boolean | string[], deletable: boolean, viewed = true): FieldSpec[] {
  const user = ['User'];
  const owners = owned === true ? ['Group', 'User'] : owned;
  return [
    f('Id', 'id', { ...RO, label: 'Record ID', length: 18, nillable: false, idLookup: true, defaultedOnCreate: true }),
    ...(deletable ? [f('IsDeleted', 'boolean', { ...RO, label: 'Deleted' })] : []),
    ...(owners ? [ref('OwnerId', owners, 'Owner', { nillable: false, defaultedOnCreate: true })] : []),
    f('CreatedDate', 'datetime', { ...RO, nillable: false, defaultedOnCreate: true }),
    ref('CreatedById', user, 'CreatedBy', { ...RO, nillable: false, defaultedOnCreate: true }),
    f('LastModifiedDate', 'datetime', { ...RO, nillable: false, defaultedOnCreate: true }),
    ref('LastModifiedById', user, 'LastModifiedBy', { ...RO, nillable: false, defaultedOnCreate: true }),
    f('SystemModstamp', 'datetime', { ...RO, label: 'System Modstamp', nillable: false, defaultedOnCreate: true }),
    ...(viewed ? [f('LastViewedDate', 'datetime', RO), f('LastReferencedDate', 'datetime', RO)] : []),
  ];
}
