/**
 * The org's records and the mutations tests perform on them.
 *
 * Each object's rows are kept in one array sorted by (SystemModstamp, Id), the order incremental
 * connectors read in, so the common query needs no sort. Mutations never edit a row in place: they
 * replace it, so a query snapshot taken earlier keeps seeing the rows as they were.
 */
import { SOBJECT_NAMES, specOf, storedFields, type SObjectName, type SRecord } from './field-catalog.js';
import { longText } from './sample-values.js';
import { generateRecord, type GenContext } from './data-generator.js';
import { genericRecord, stampField } from './generic-records.js';
import { KEY_PREFIX, makeId } from './ids.js';
import { Rng } from './rng.js';
import { formatDateTime, parseStoredDateTime } from './sf-time.js';
import { buildTimeline, type MassUpdate } from './timeline.js';
import { OrgClock } from './org-clock.js';
import { generatedOrg, generatedOrgKey, keepGeneratedOrg, type GeneratedOrg } from './generated-orgs.js';

/** Rows of an object beyond the six when the options give no count (made on first use). */
export const DEFAULT_EXTRA_COUNT = 40;

export const DEFAULT_COUNTS: Record<SObjectName, number> = {
  Account: 150,
  Contact: 800,
  Lead: 300,
  Opportunity: 250,
  Case: 300,
  User: 40,
};

/** Contact gets a mass update wider than two 200-row pages; every object gets a mid-size one. */
function massUpdatesFor(object: SObjectName, n: number): MassUpdate[] {
  const list: MassUpdate[] = [{ size: Math.max(8, Math.min(40, Math.floor(n / 20))), at: 0.3 }];
  if (object === 'Contact') list.push({ size: 460, at: 0.55 });
  if (n >= 20_000) list.push({ size: 2_500, at: 0.8 });
  return list;
}

// Users first: everything else points at them (OwnerId, CreatedById); Leads point at converted records.
const GENERATION_ORDER: SObjectName[] = ['User', 'Account', 'Contact', 'Opportunity', 'Lead', 'Case'];
const DELETED_SHARE = 0.03;

/** Storage order: (stamp, Id), where the stamp is SystemModstamp for the six and an object's best cursor for the others. */
function rowComparator(stamp: string | null): (a: SRecord, b: SRecord) => number {
  return (a, b) => {
    if (stamp) {
      const ma = a[stamp] as string;
      const mb = b[stamp] as string;
      if (ma !== mb) return ma < mb ? -1 : 1;
    }
    const ia = (a.Id ?? '') as string;
    const ib = (b.Id ?? '') as string;
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
}
const compareRows = rowComparator('SystemModstamp');

export class OrgStore {
  readonly orgId: string;
  readonly runAsUserId: string;
  private readonly rowsByObject = new Map<SObjectName, SRecord[]>();
  /** Built on first use: hashing a million Ids at startup costs more than every test lookup combined. */
  private byIdIndex: Map<string, SRecord> | null = null;
  private readonly nextCounter = new Map<SObjectName, number>();
  private readonly ctx: GenContext;
  private readonly seed: number;
  private readonly counts: Partial<Record<SObjectName, number>>;

  /**
   * `longTextChars`: every Description (a long text area) filled to this many characters, as in orgs
   * that keep notes or e-mail bodies there: records of tens of KB for the memory benchmark.
   */
  constructor(
    seed: number,
    counts: Partial<Record<SObjectName, number>>,
    private readonly longTextChars = 0,
    /** the org's clock: changes and deletions are stamped by it */
    readonly clock = new OrgClock(),
  ) {
    this.seed = seed;
    this.counts = counts;
    this.orgId = makeId(KEY_PREFIX.Organization, 1);
    this.ctx = { rng: new Rng(seed), orgId: this.orgId, users: [], accounts: [], contacts: [], opportunities: [], caseCounter: 1000 };
    const sizes = GENERATION_ORDER.map((object) => counts[object] ?? DEFAULT_COUNTS[object]);
    const key = generatedOrgKey(seed, sizes, longTextChars);
    const generated = generatedOrg(key);
    if (generated) this.adopt(generated);
    else {
      GENERATION_ORDER.forEach((object, i) => this.generate(object, sizes[i]));
      keepGeneratedOrg(
        key,
        sizes.reduce((a, b) => a + b, 0),
        { rows: this.rowsByObject, ctx: this.ctx },
      );
    }
    this.runAsUserId = makeId(KEY_PREFIX.User, 0);
  }

  /** Takes an org generated before (a copy of it, see generated-orgs.ts). */
  private adopt({ rows, ctx }: GeneratedOrg): void {
    for (const [object, generated] of rows) {
      this.rowsByObject.set(object, generated);
      this.nextCounter.set(object, generated.length);
    }
    Object.assign(this.ctx, ctx, { rng: this.ctx.rng });
  }

  private generate(object: SObjectName, n: number): void {
    const rng = new Rng(this.seed * 31 + GENERATION_ORDER.indexOf(object));
    const ctx = { ...this.ctx, rng };
    const { modstamps, idCounters } = buildTimeline(n, rng, massUpdatesFor(object, n));
    const rows = new Array<SRecord>(n);
    for (let p = 0; p < n; p++) {
      const rec = generateRecord(object, ctx, idCounters[p], modstamps[p]);
      if (object !== 'User' && rng.chance(DELETED_SHARE)) rec.IsDeleted = true;
      if (this.longTextChars && 'Description' in rec) rec.Description = longText(this.longTextChars, p);
      rows[p] = rec;
      this.remember(object, rec);
    }
    this.ctx.caseCounter = ctx.caseCounter;
    this.rowsByObject.set(object, rows);
    this.nextCounter.set(object, n);
  }

  private remember(object: SObjectName, rec: SRecord): void {
    const id = rec.Id as string;
    if (object === 'User') this.ctx.users.push(id);
    else if (object === 'Account') this.ctx.accounts.push(id);
    else if (object === 'Opportunity') this.ctx.opportunities.push(id);
    else if (object === 'Contact') {
      this.ctx.contacts.push({ id, accountId: rec.AccountId as string | null, email: rec.Email as string | null, phone: rec.Phone as string | null });
    }
  }

  private isGeneric(object: SObjectName): boolean {
    return !SOBJECT_NAMES.includes(object);
  }

  /** The field rows are stamped and ordered by (SystemModstamp for the six), or null when the object has none. */
  stampField(object: SObjectName): string | null {
    return this.isGeneric(object) ? stampField(object) : 'SystemModstamp';
  }

  private compare(object: SObjectName): (a: SRecord, b: SRecord) => number {
    return this.isGeneric(object) ? rowComparator(this.stampField(object)) : compareRows;
  }

  /** Rows of an object beyond the six, made on first use so that an org of a thousand objects starts at once. */
  private generateGeneric(object: SObjectName): SRecord[] {
    const n = this.counts[object] ?? DEFAULT_EXTRA_COUNT;
    const rng = new Rng(this.seed * 31 + [...object].reduce((h, c) => (h * 33 + c.charCodeAt(0)) % 1_000_003, 7));
    const ctx = { ...this.ctx, rng };
    const { modstamps, idCounters } = buildTimeline(n, rng, []);
    const deletable = specOf(object).byName.has('isdeleted');
    const rows = Array.from({ length: n }, (_, p) => {
      const rec = genericRecord(object, ctx, idCounters[p], modstamps[p]);
      if (deletable && rng.chance(DELETED_SHARE)) rec.IsDeleted = true;
      return rec;
    });
    rows.sort(this.compare(object));
    this.rowsByObject.set(object, rows);
    this.nextCounter.set(object, n);
    if (this.byIdIndex) for (const r of rows) if (typeof r.Id === 'string') this.byIdIndex.set(r.Id, r);
    return rows;
  }

  /** The live sorted array; callers must not modify it. */
  rows(object: SObjectName): readonly SRecord[] {
    const rows = this.rowsByObject.get(object);
    if (rows) return rows;
    return this.isGeneric(object) ? this.generateGeneric(object) : [];
  }

  private get byId(): Map<string, SRecord> {
    if (!this.byIdIndex) {
      this.byIdIndex = new Map();
      for (const rows of this.rowsByObject.values()) for (const r of rows) this.byIdIndex.set(r.Id as string, r);
    }
    return this.byIdIndex;
  }

  get(object: SObjectName, id: string): SRecord | undefined {
    this.rows(object);
    const prefix = specOf(object).keyPrefix;
    const rec = this.byId.get(id);
    return rec && prefix && (rec.Id as string).startsWith(prefix) ? rec : undefined;
  }

  newestModstamp(object: SObjectName): number | null {
    const rows = this.rows(object);
    const stamp = this.stampField(object);
    return rows.length && stamp ? parseStoredDateTime(rows[rows.length - 1][stamp] as string) : null;
  }

  /** The emulator clock: now, but always after the object's newest change, so a mutation is the newest row. */
  private tick(object: SObjectName): number {
    const newest = this.newestModstamp(object);
    return Math.max(this.clock.now(), newest === null ? 0 : newest + 1);
  }

  insert(object: SObjectName, fields: Record<string, unknown> = {}): SRecord {
    return this.create(object, this.tick(object), fields);
  }

  lateCommit(object: SObjectName, msBeforeNewest: number, fields: Record<string, unknown> = {}): SRecord {
    const newest = this.newestModstamp(object) ?? this.clock.now();
    return this.create(object, newest - msBeforeNewest, fields);
  }

  update(object: SObjectName, id: string, fields: Record<string, unknown> = {}): SRecord {
    const old = this.mustGet(object, id);
    const stamp = formatDateTime(this.tick(object));
    const next: SRecord = { ...old, ...this.checkFields(object, fields) };
    this.stampChange(object, next, stamp, !('LastModifiedDate' in fields));
    this.fixDerived(object, next);
    this.replace(object, old, next);
    return { ...next };
  }

  softDelete(object: SObjectName, id: string): SRecord {
    if (object === 'User') throw new Error('User records cannot be deleted in Salesforce; deactivate them instead');
    const old = this.mustGet(object, id);
    if (!('IsDeleted' in old)) throw new Error(`${object} records cannot be deleted`);
    const stamp = formatDateTime(this.tick(object));
    const next: SRecord = { ...old, IsDeleted: true };
    this.stampChange(object, next, stamp, true);
    this.replace(object, old, next);
    return { ...next };
  }

  /** New field values without a new SystemModstamp: a formula's result moves when what it reads changes. */
  recalculate(object: SObjectName, id: string, fields: Record<string, unknown>): SRecord {
    const old = this.mustGet(object, id);
    const next: SRecord = { ...old, ...this.checkFields(object, fields) };
    this.replace(object, old, next);
    return { ...next };
  }

  /**
   * Takes a record out of the org for good (purged from the Recycle Bin, or hard-deleted): no query
   * sees it any more. Returns the row as it was.
   */
  remove(object: SObjectName, id: string): SRecord {
    if (object === 'User') throw new Error('User records cannot be deleted in Salesforce; deactivate them instead');
    const old = this.mustGet(object, id);
    const rows = this.rowsByObject.get(object)!;
    const at = this.position(object, rows, old);
    rows.splice(rows[at] === old ? at : rows.indexOf(old), 1);
    this.byId.delete(id);
    return { ...old };
  }

  /** The emulator clock for a deletion: now, after the object's newest change. */
  deletionTime(object: SObjectName): number {
    return this.tick(object);
  }

  /** A change moves SystemModstamp, and LastModifiedDate/ById unless told otherwise, where the object has them. */
  private stampChange(object: SObjectName, rec: SRecord, stamp: string, lastModified: boolean): void {
    if ('SystemModstamp' in rec) rec.SystemModstamp = stamp;
    if (lastModified && 'LastModifiedDate' in rec) rec.LastModifiedDate = stamp;
    if ('LastModifiedById' in rec) rec.LastModifiedById = this.runAsUserId;
    if (!this.isGeneric(object)) return;
    // An append-only object (history) changes nothing in place: its only stamp is when a row was created.
    const field = this.stampField(object);
    if (field && field !== 'CreatedDate' && field !== 'LoginTime') rec[field] = stamp;
  }

  private create(object: SObjectName, modstamp: number, fields: Record<string, unknown>): SRecord {
    if (this.isGeneric(object)) return this.createGeneric(object, modstamp, fields);
    const counter = this.nextCounter.get(object) ?? 0;
    this.nextCounter.set(object, counter + 1);
    const ctx = { ...this.ctx, rng: new Rng(this.seed * 7919 + counter * 13 + GENERATION_ORDER.indexOf(object)) };
    const rec = generateRecord(object, ctx, counter, modstamp);
    this.ctx.caseCounter = ctx.caseCounter;
    const stamp = formatDateTime(modstamp);
    Object.assign(rec, { CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, LastViewedDate: null, LastReferencedDate: null });
    if (object !== 'User') rec.IsDeleted = false;
    Object.assign(rec, this.checkFields(object, fields), { SystemModstamp: stamp });
    this.fixDerived(object, rec);
    this.insertSorted(object, rec);
    this.byId.set(rec.Id as string, rec);
    this.remember(object, rec);
    return { ...rec };
  }

  private createGeneric(object: SObjectName, modstamp: number, fields: Record<string, unknown>): SRecord {
    this.rows(object);
    const counter = this.nextCounter.get(object) ?? 0;
    this.nextCounter.set(object, counter + 1);
    const ctx = { ...this.ctx, rng: new Rng(this.seed * 7919 + counter * 13) };
    const rec = genericRecord(object, ctx, counter, modstamp);
    Object.assign(rec, this.checkFields(object, fields));
    this.insertSorted(object, rec);
    if (typeof rec.Id === 'string') this.byId.set(rec.Id, rec);
    return { ...rec };
  }

  private checkFields(object: SObjectName, fields: Record<string, unknown>): SRecord {
    const known = new Map(storedFields(object).map((fs) => [fs.name.toLowerCase(), fs.name]));
    const out: SRecord = {};
    for (const [key, value] of Object.entries(fields)) {
      const name = known.get(key.toLowerCase());
      if (!name) throw new Error(`No such field '${key}' on ${object}`);
      if (name === 'Id') throw new Error('Id cannot be set');
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
        throw new Error(`Field ${name}: storage values are strings, numbers, booleans or null`);
      }
      out[name] = value as SRecord[string];
    }
    return out;
  }

  /** Keeps the compound name consistent with its parts after a mutation. */
  private fixDerived(object: SObjectName, rec: SRecord): void {
    if (object === 'Contact' || object === 'Lead' || object === 'User') {
      rec.Name = rec.FirstName ? `${String(rec.FirstName)} ${String(rec.LastName)}` : (rec.LastName as string);
    }
  }

  private mustGet(object: SObjectName, id: string): SRecord {
    const rec = this.get(object, id);
    if (!rec) throw new Error(`No ${object} with Id ${id}`);
    return rec;
  }

  private replace(object: SObjectName, old: SRecord, next: SRecord): void {
    const rows = this.rowsByObject.get(object)!;
    const at = this.position(object, rows, old);
    if (rows[at] === old) rows.splice(at, 1);
    else rows.splice(rows.indexOf(old), 1);
    this.insertSorted(object, next);
    this.byId.set(next.Id as string, next);
  }

  private insertSorted(object: SObjectName, rec: SRecord): void {
    const rows = this.rowsByObject.get(object)!;
    if (!rows.length || this.compare(object)(rows[rows.length - 1], rec) < 0) rows.push(rec);
    else rows.splice(this.position(object, rows, rec), 0, rec);
  }

  /** First index whose row does not sort before `rec` (binary search). */
  private position(object: SObjectName, rows: SRecord[], rec: SRecord): number {
    const compare = this.compare(object);
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(rows[mid], rec) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Copies for tests, in storage form. */
  records(object: SObjectName, includeDeleted = false): SRecord[] {
    const rows = this.rows(object);
    return rows.filter((r) => includeDeleted || r.IsDeleted !== true).map((r) => ({ ...r }));
  }

  static objects(): readonly SObjectName[] {
    return SOBJECT_NAMES;
  }
}
