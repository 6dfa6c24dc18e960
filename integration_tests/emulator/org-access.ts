/**
 * What the run-as user may see: which objects are granted, which fields field-level security
 * hides, and whether API access is switched off. Kept apart from the data so tests can change
 * permissions without touching records.
 */
import { SOBJECT_NAMES, type SObjectName } from './field-catalog.js';

export const DEFAULT_HIDDEN: Partial<Record<SObjectName, string[]>> = { Account: ['Credit_Score__c'] };

export class OrgAccess {
  private readonly granted: Set<SObjectName>;
  private readonly hidden = new Map<SObjectName, Set<string>>();
  /** Every object of the org, in the order the global describe lists them. */
  private readonly orgObjects: readonly SObjectName[];
  private readonly byLowerName: Map<string, SObjectName>;
  apiDisabled: boolean;

  constructor(opts: {
    objects?: readonly SObjectName[];
    grantedObjects?: SObjectName[];
    hiddenFields?: Partial<Record<SObjectName, string[]>>;
    apiDisabled?: boolean;
  }) {
    this.orgObjects = opts.objects ?? SOBJECT_NAMES;
    this.byLowerName = new Map(this.orgObjects.map((o) => [o.toLowerCase(), o]));
    this.granted = new Set(opts.grantedObjects ?? this.orgObjects);
    for (const [object, fields] of Object.entries(opts.hiddenFields ?? DEFAULT_HIDDEN)) {
      for (const field of fields ?? []) this.hideField(object as SObjectName, field);
    }
    this.apiDisabled = opts.apiDisabled ?? false;
  }

  isGranted(object: SObjectName): boolean {
    return this.granted.has(object);
  }

  /** The granted object of that name, matched case-insensitively as Salesforce does. */
  resolve(name: string): SObjectName | undefined {
    const object = this.byLowerName.get(name.toLowerCase());
    return object && this.granted.has(object) ? object : undefined;
  }

  /** Granted objects in the org's order. */
  grantedObjects(): SObjectName[] {
    return this.orgObjects.filter((o) => this.granted.has(o));
  }

  grant(object: SObjectName): void {
    this.granted.add(object);
  }

  revoke(object: SObjectName): void {
    this.granted.delete(object);
  }

  /** Lower-cased names, because SOQL and describe lookups are case-insensitive. */
  hiddenFields(object: SObjectName): ReadonlySet<string> {
    return this.hidden.get(object) ?? new Set();
  }

  hideField(object: SObjectName, field: string): void {
    if (field.toLowerCase() === 'id') throw new Error('Id cannot be hidden');
    let set = this.hidden.get(object);
    if (!set) this.hidden.set(object, (set = new Set()));
    set.add(field.toLowerCase());
  }
}
