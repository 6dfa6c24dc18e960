/**
 * Bulk API 2.0 cannot select compound fields (addresses, geolocations). A Bulk read selects their
 * component fields instead and rebuilds the objects, so a record looks the same whichever API read it.
 */
import type { DescribeField } from '../api/types.js';

const COMPOUND_TYPES = new Set(['address', 'location']);

export interface CompoundField {
  name: string;
  /** component field name -> key in the rebuilt object (BillingCity -> city) */
  parts: Array<[string, string]>;
}

export interface BulkFieldPlan {
  /** what the Bulk SOQL selects */
  select: string[];
  compounds: CompoundField[];
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** BillingAddress/BillingCity -> city; Address/City -> city; HQ__c/HQ__Latitude__s -> latitude. */
export function componentKey(compound: string, component: string): string {
  if (compound.endsWith('__c')) return lowerFirst(component.slice(compound.length - 1).replace(/__s$/, ''));
  const prefix = compound.endsWith('Address') ? compound.slice(0, -'Address'.length) : '';
  return lowerFirst(component.startsWith(prefix) ? component.slice(prefix.length) : component);
}

export function planBulkFields(selected: readonly DescribeField[], all: readonly DescribeField[]): BulkFieldPlan {
  const select: string[] = [];
  const compounds: CompoundField[] = [];
  const add = (name: string) => {
    if (!select.includes(name)) select.push(name);
  };
  for (const field of selected) {
    if (!COMPOUND_TYPES.has(field.type)) {
      add(field.name);
      continue;
    }
    const components = all.filter((f) => f.compoundFieldName === field.name);
    compounds.push({ name: field.name, parts: components.map((c) => [c.name, componentKey(field.name, c.name)]) });
    for (const c of components) add(c.name);
  }
  return { select, compounds };
}
