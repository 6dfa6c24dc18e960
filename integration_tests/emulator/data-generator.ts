/**
 * Deterministic, realistic field values for each object. Field values depend only on the seed and
 * the record's position, so a given seed always yields the same org.
 */
import { blankRecord, PICKLISTS, specOf, type SObjectName, type SRecord } from './field-catalog.js';
import { makeId, KEY_PREFIX } from './ids.js';
import { Rng } from './rng.js';
import * as S from './sample-values.js';
import { DAY_MS, formatDate, formatDateTime } from './sf-time.js';
import { HISTORY_START } from './timeline.js';

/** Ids of already generated records that later objects point at. */
export interface GenContext {
  rng: Rng;
  orgId: string;
  users: string[];
  accounts: string[];
  contacts: { id: string; accountId: string | null; email: string | null; phone: string | null }[];
  opportunities: string[];
  caseCounter: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function companyName(r: Rng): string {
  return `${r.pick(S.COMPANY_WORDS)} ${r.pick(S.COMPANY_SUFFIXES)}`;
}

/**
 * Values that repeat across records come from shared pools (interned once), so a million records do
 * not hold a million copies of a phone number or a full name.
 */
const PHONE_POOL = (() => {
  const r = new Rng(8675309);
  return Array.from({ length: 8192 }, () => `(${r.int(201, 989)}) ${r.int(200, 999)}-${r.digits(4)}`);
})();
const STREET_POOL = (() => {
  const r = new Rng(1234567);
  return Array.from({ length: 8192 }, () => `${r.int(1, 9999)} ${r.pick(S.STREETS)}${r.chance(0.1) ? `\nSuite ${r.int(100, 999)}` : ''}`);
})();
const shared = new Map<string, string>();
function intern(text: string): string {
  let hit = shared.get(text);
  if (hit === undefined) {
    hit = text;
    hit.charCodeAt(0);
    shared.set(text, hit);
  }
  return hit;
}

function phoneNumber(r: Rng): string {
  return PHONE_POOL[Math.floor(r.next() * PHONE_POOL.length)];
}

function emailFor(first: string | null, last: string, r: Rng, n: number): string {
  const local = `${first ? first[0] : 'x'}${last}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
  return `${local}${n}@${r.pick(S.EMAIL_DOMAINS)}`;
}

/** Fills `<prefix>Street`…`<prefix>GeocodeAccuracy`; some parts (or the whole address) stay null. */
function fillAddress(rec: SRecord, prefix: string, r: Rng): void {
  if (r.chance(0.08)) return;
  const [city, state, country, postal, lat, lon] = r.pick(S.PLACES);
  rec[`${prefix}Street`] = r.orNull(0.1, STREET_POOL[Math.floor(r.next() * STREET_POOL.length)]);
  rec[`${prefix}City`] = city;
  rec[`${prefix}State`] = state;
  rec[`${prefix}PostalCode`] = r.orNull(0.15, intern(postal + r.digits(2)));
  rec[`${prefix}Country`] = r.orNull(0.05, country);
  if (r.chance(0.5)) {
    rec[`${prefix}Latitude`] = Math.round((lat + (r.next() - 0.5) / 10) * 1e6) / 1e6;
    rec[`${prefix}Longitude`] = Math.round((lon + (r.next() - 0.5) / 10) * 1e6) / 1e6;
    rec[`${prefix}GeocodeAccuracy`] = r.pick(['Address', 'Street', 'Zip', 'City']);
  }
}

/** Audit fields: created up to ~400 days before the modstamp; most records last modified by a user at the modstamp. */
function fillSystem(rec: SRecord, object: SObjectName, id: string, modstamp: number, ctx: GenContext): void {
  const r = ctx.rng;
  const earliest = HISTORY_START - 180 * DAY_MS;
  const created = modstamp - Math.floor(r.next() * Math.min(400 * DAY_MS, modstamp - earliest));
  const lastModified = r.chance(0.85) ? modstamp : created + Math.floor((modstamp - created) * r.next());
  rec.Id = id;
  if (object !== 'User') {
    rec.IsDeleted = false;
    rec.OwnerId = ctx.users.length ? r.pick(ctx.users) : id;
  }
  rec.CreatedDate = formatDateTime(created);
  rec.CreatedById = ctx.users.length ? r.pick(ctx.users) : id;
  const stamp = formatDateTime(modstamp);
  rec.LastModifiedDate = lastModified === modstamp ? stamp : formatDateTime(lastModified);
  rec.LastModifiedById = ctx.users.length ? r.pick(ctx.users) : id;
  rec.SystemModstamp = stamp;
  if (r.chance(0.3)) {
    const viewed = modstamp + r.int(0, 30) * DAY_MS;
    rec.LastViewedDate = rec.LastReferencedDate = formatDateTime(viewed);
  }
}

function person(rec: SRecord, r: Rng, n: number): { first: string | null; last: string } {
  const first = r.orNull(0.04, r.pick(S.FIRST_NAMES));
  const last = r.pick(S.LAST_NAMES);
  rec.FirstName = first;
  rec.LastName = last;
  rec.Name = first ? intern(`${first} ${last}`) : last;
  rec.Email = r.orNull(0.07, emailFor(first, last, r, n));
  return { first, last };
}

type Filler = (rec: SRecord, ctx: GenContext, n: number, modstamp: number) => void;

const FILLERS: Record<SObjectName, Filler> = {
  User(rec, { rng: r }, n, modstamp) {
    const { first, last } = person(rec, r, n);
    const handle = `${(first ?? 'user').toLowerCase()}.${last.toLowerCase()}${n}`.normalize('NFD').replace(/[^a-z0-9.]/g, '');
    rec.Username = `${handle}@acme-demo.example.com`;
    rec.Email = `${handle}@acme-demo.example.com`;
    rec.Alias = handle.replace(/\./g, '').slice(0, 8);
    rec.CommunityNickname = handle;
    rec.CompanyName = 'Acme Demo';
    rec.Division = r.orNull(0.5, r.pick(['Americas', 'EMEA', 'APAC']));
    rec.Department = r.orNull(0.2, r.pick(S.DEPARTMENTS));
    rec.Title = r.orNull(0.2, r.pick(S.TITLES));
    fillAddress(rec, '', r);
    rec.Phone = r.orNull(0.3, phoneNumber(r));
    rec.MobilePhone = r.orNull(0.5, phoneNumber(r));
    rec.IsActive = n === 0 || r.chance(0.9);
    rec.TimeZoneSidKey = r.pick(PICKLISTS.timeZone);
    rec.UserRoleId = r.orNull(0.3, makeId(KEY_PREFIX.UserRole, r.int(1, 12)));
    rec.LocaleSidKey = r.pick(PICKLISTS.locale);
    rec.EmailEncodingKey = 'UTF-8';
    rec.ProfileId = makeId(KEY_PREFIX.Profile, r.int(1, 6));
    rec.UserType = 'Standard';
    rec.LanguageLocaleKey = r.pick(PICKLISTS.language);
    rec.EmployeeNumber = r.orNull(0.4, `E${r.digits(5)}`);
    rec.ManagerId = null;
    rec.LastLoginDate = r.chance(0.8) ? formatDateTime(modstamp + r.int(0, 90) * DAY_MS) : null;
    rec.FederationIdentifier = r.orNull(0.7, rec.Username);
    rec.UserPermissionsMarketingUser = r.chance(0.3);
    rec.UserPermissionsOfflineUser = false;
    rec.UserPermissionsSupportUser = r.chance(0.4);
    rec.UserPreferencesActivityRemindersPopup = true;
    rec.UserPreferencesEventRemindersCheckboxDefault = r.chance(0.8);
    rec.Employee_Number__c = r.orNull(0.1, `HR-${r.digits(6)}`);
    if (n === 0) {
      // The first user is the Client Credentials run-as user.
      Object.assign(rec, { FirstName: 'Integration', LastName: 'User', Name: 'Integration User', Title: 'API Integration' });
    }
    if (n === 1) {
      // Every real org has this system user, whose Username and Email are not addresses (no domain).
      Object.assign(rec, {
        FirstName: 'Automated',
        LastName: 'Process',
        Name: 'Automated Process',
        Username: 'autoproc@00d8d0000000001',
        Email: 'noreply@00d8d0000000001',
        UserType: 'AutomatedProcess',
      });
    }
  },
  Account(rec, { rng: r, accounts }, n) {
    rec.Name = `${companyName(r)}${r.chance(0.3) ? ` ${n}` : ''}`;
    rec.Type = r.orNull(0.1, r.pick(PICKLISTS.accountType));
    rec.ParentId = accounts.length && r.chance(0.1) ? r.pick(accounts) : null;
    fillAddress(rec, 'Billing', r);
    if (r.chance(0.6)) fillAddress(rec, 'Shipping', r);
    rec.Phone = r.orNull(0.1, phoneNumber(r));
    rec.Fax = r.orNull(0.7, phoneNumber(r));
    rec.AccountNumber = r.orNull(0.3, `CD${r.digits(6)}`);
    rec.Website = r.orNull(
      0.2,
      `https://www.${String(rec.Name)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '')}.example.com`,
    );
    rec.Industry = r.orNull(0.1, r.pick(PICKLISTS.industry));
    rec.AnnualRevenue = r.orNull(0.25, r.int(1, 5000) * 100_000);
    rec.NumberOfEmployees = r.orNull(0.2, r.int(1, 250_000));
    rec.Ownership = r.orNull(0.4, r.pick(PICKLISTS.ownership));
    rec.Rating = r.orNull(0.3, r.pick(PICKLISTS.rating));
    rec.Description = r.orNull(0.6, r.pick(S.DESCRIPTIONS));
    rec.Site = r.orNull(0.7, r.pick(['Headquarters', 'Branch', 'Warehouse', 'Regional Office']));
    rec.TickerSymbol = r.orNull(
      0.85,
      String(rec.Name)
        .replace(/[^A-Z]/g, '')
        .slice(0, 4) || 'ACME',
    );
    rec.Sic = r.orNull(0.6, r.digits(4));
    rec.LastActivityDate = r.chance(0.5) ? formatDate(HISTORY_START + r.int(0, 900) * DAY_MS) : null;
    rec.AccountSource = r.orNull(0.3, r.pick(PICKLISTS.leadSource));
    rec.CleanStatus = r.pick(['Pending', 'Matched', 'Different', 'Skipped']);
    rec.Region__c = r.orNull(0.1, r.pick(PICKLISTS.region));
    rec.Credit_Score__c = r.int(300, 850);
    if (r.chance(0.6)) {
      const [, , , , lat, lon] = r.pick(S.PLACES);
      rec.HQ_Location__Latitude__s = lat;
      rec.HQ_Location__Longitude__s = lon;
    }
  },
  Contact(rec, { rng: r, accounts, contacts }, n) {
    person(rec, r, n);
    rec.AccountId = accounts.length && r.chance(0.93) ? r.pick(accounts) : null;
    rec.Salutation = r.orNull(0.4, r.pick(PICKLISTS.salutation));
    fillAddress(rec, 'Mailing', r);
    if (r.chance(0.2)) fillAddress(rec, 'Other', r);
    rec.Phone = r.orNull(0.2, phoneNumber(r));
    rec.Fax = r.orNull(0.9, phoneNumber(r));
    rec.MobilePhone = r.orNull(0.4, phoneNumber(r));
    rec.HomePhone = r.orNull(0.8, phoneNumber(r));
    rec.ReportsToId = contacts.length && r.chance(0.15) ? r.pick(contacts).id : null;
    rec.Title = r.orNull(0.2, r.pick(S.TITLES));
    rec.Department = r.orNull(0.4, r.pick(S.DEPARTMENTS));
    rec.LeadSource = r.orNull(0.3, r.pick(PICKLISTS.leadSource));
    rec.Birthdate = r.chance(0.3) ? formatDate(Date.UTC(1950, 0, 1) + r.int(0, 18000) * DAY_MS) : null;
    rec.Description = r.orNull(0.8, r.pick(S.DESCRIPTIONS));
    rec.HasOptedOutOfEmail = r.chance(0.1);
    rec.DoNotCall = r.chance(0.05);
    rec.IsEmailBounced = r.chance(0.02);
    rec.LastActivityDate = r.chance(0.4) ? formatDate(HISTORY_START + r.int(0, 900) * DAY_MS) : null;
    rec.Preferred_Channel__c = r.orNull(0.3, r.pick(PICKLISTS.channel));
  },
  Lead(rec, { rng: r, accounts, contacts, opportunities }, n, modstamp) {
    person(rec, r, n);
    rec.Salutation = r.orNull(0.5, r.pick(PICKLISTS.salutation));
    rec.Title = r.orNull(0.3, r.pick(S.TITLES));
    rec.Company = companyName(r);
    fillAddress(rec, '', r);
    rec.Phone = r.orNull(0.2, phoneNumber(r));
    rec.MobilePhone = r.orNull(0.6, phoneNumber(r));
    rec.Website = r.orNull(
      0.6,
      `https://${String(rec.Company)
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '')}.example.com`,
    );
    rec.Description = r.orNull(0.8, r.pick(S.DESCRIPTIONS));
    const converted = r.chance(0.15);
    rec.Status = converted ? 'Closed - Converted' : r.pick(PICKLISTS.leadStatus.filter((s) => s !== 'Closed - Converted'));
    rec.LeadSource = r.orNull(0.2, r.pick(PICKLISTS.leadSource));
    rec.Industry = r.orNull(0.3, r.pick(PICKLISTS.industry));
    rec.Rating = r.orNull(0.4, r.pick(PICKLISTS.rating));
    rec.AnnualRevenue = r.orNull(0.5, r.int(1, 500) * 10_000);
    rec.NumberOfEmployees = r.orNull(0.4, r.int(1, 20_000));
    rec.IsConverted = converted;
    if (converted) {
      rec.ConvertedDate = formatDate(modstamp - r.int(0, 5) * DAY_MS);
      rec.ConvertedAccountId = accounts.length ? r.pick(accounts) : null;
      rec.ConvertedContactId = contacts.length ? r.pick(contacts).id : null;
      rec.ConvertedOpportunityId = opportunities.length && r.chance(0.7) ? r.pick(opportunities) : null;
    }
    rec.IsUnreadByOwner = r.chance(0.2);
    rec.HasOptedOutOfEmail = r.chance(0.1);
    rec.Lead_Score__c = r.orNull(0.1, r.int(0, 100));
  },
  Opportunity(rec, { rng: r, accounts }, _n, modstamp) {
    rec.AccountId = accounts.length && r.chance(0.95) ? r.pick(accounts) : null;
    rec.IsPrivate = r.chance(0.03);
    rec.Name = `${r.pick(S.COMPANY_WORDS)} - ${r.pick(S.OPPORTUNITY_PRODUCTS)}`;
    rec.Description = r.orNull(0.7, r.pick(S.DESCRIPTIONS));
    const stageIndex = r.int(0, PICKLISTS.stage.length - 1);
    const stage = PICKLISTS.stage[stageIndex];
    const won = stage === 'Closed Won';
    const closed = won || stage === 'Closed Lost';
    const probability = won ? 100 : closed ? 0 : [10, 10, 20, 50, 60, 70, 75, 90][stageIndex];
    rec.StageName = stage;
    const amount = r.chance(0.08) ? null : round2(r.int(500, 2_000_000) + r.int(0, 99) / 100);
    rec.Amount = amount;
    rec.Probability = probability;
    rec.ExpectedRevenue = amount === null ? null : round2((amount * probability) / 100);
    const close = modstamp + r.int(-60, 180) * DAY_MS;
    const closeDate = new Date(close);
    rec.CloseDate = formatDate(close);
    rec.Type = r.orNull(0.2, r.pick(PICKLISTS.oppType));
    rec.NextStep = closed ? null : r.orNull(0.4, r.pick(S.NEXT_STEPS));
    rec.LeadSource = r.orNull(0.3, r.pick(PICKLISTS.leadSource));
    rec.IsClosed = closed;
    rec.IsWon = won;
    const fc = won ? 4 : closed ? 0 : probability >= 90 ? 3 : probability >= 60 ? 2 : 1;
    rec.ForecastCategory = PICKLISTS.forecastCategory[fc];
    rec.ForecastCategoryName = PICKLISTS.forecastCategoryName[fc];
    rec.HasOpportunityLineItem = r.chance(0.3);
    const quarter = Math.floor(closeDate.getUTCMonth() / 3) + 1;
    rec.FiscalYear = closeDate.getUTCFullYear();
    rec.FiscalQuarter = quarter;
    rec.Fiscal = `${closeDate.getUTCFullYear()} ${quarter}`;
    rec.LastActivityDate = r.chance(0.4) ? formatDate(modstamp - r.int(0, 60) * DAY_MS) : null;
    rec.Discount_Percent__c = r.chance(0.5) ? r.int(0, 4000) / 100 : null;
  },
  Case(rec, ctx, _n, modstamp) {
    const r = ctx.rng;
    const contact = ctx.contacts.length && r.chance(0.9) ? r.pick(ctx.contacts) : null;
    rec.CaseNumber = String(++ctx.caseCounter).padStart(8, '0');
    rec.ContactId = contact ? contact.id : null;
    rec.AccountId = contact ? contact.accountId : null;
    rec.ContactEmail = contact ? contact.email : null;
    rec.ContactPhone = contact ? contact.phone : null;
    const web = rec.ContactId === null;
    rec.SuppliedName = web ? `${r.pick(S.FIRST_NAMES)} ${r.pick(S.LAST_NAMES)}` : null;
    rec.SuppliedEmail = web ? `support.requester${r.digits(4)}@${r.pick(S.EMAIL_DOMAINS)}` : null;
    rec.SuppliedPhone = web ? r.orNull(0.5, phoneNumber(r)) : null;
    rec.SuppliedCompany = web ? r.orNull(0.5, companyName(r)) : null;
    rec.Type = r.orNull(0.2, r.pick(PICKLISTS.caseType));
    const status = r.pick(PICKLISTS.caseStatus);
    rec.Status = status;
    rec.Reason = r.orNull(0.3, r.pick(PICKLISTS.caseReason));
    rec.Origin = r.pick(PICKLISTS.caseOrigin);
    rec.Subject = r.orNull(0.05, r.pick(S.CASE_SUBJECTS));
    rec.Priority = r.pick(PICKLISTS.casePriority);
    rec.Description = r.orNull(0.4, r.pick(S.DESCRIPTIONS));
    rec.IsClosed = status === 'Closed';
    rec.ClosedDate = status === 'Closed' ? rec.LastModifiedDate : null;
    rec.IsEscalated = status === 'Escalated';
    rec.Comments = r.orNull(0.8, 'Customer contacted; awaiting response.');
    rec.SLA_Due__c = r.chance(0.85) ? formatDateTime(modstamp + r.int(1, 120) * 3_600_000) : null;
  },
};

/** One complete record. `n` is the record's creation number (used for unique-looking names and emails). */
export function generateRecord(object: SObjectName, ctx: GenContext, idCounter: number, modstamp: number): SRecord {
  const rec = blankRecord(object);
  const id = makeId(specOf(object).keyPrefix!, idCounter);
  fillSystem(rec, object, id, modstamp, ctx);
  FILLERS[object](rec, ctx, idCounter, modstamp);
  flattenStrings(rec);
  return rec;
}

/**
 * Concatenated strings are V8 rope trees, several times larger than the text. Reading a character
 * flattens a rope, and the GC then drops the tree: at a million records this halves the heap and
 * the generation time.
 */
function flattenStrings(rec: SRecord): void {
  for (const key in rec) {
    const v = rec[key];
    if (typeof v === 'string') v.charCodeAt(0);
  }
}
