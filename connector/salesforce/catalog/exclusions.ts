/**
 * The objects `objects: ["*"]` leaves out, each with the reason an operator reads in the log. The
 * one list of them: discover, check and the docs (docs/salesforce.md, "Objects left out") agree on it.
 * An object named explicitly in the config is read even if a rule here would leave it out of "*",
 * as long as Salesforce lets it be queried at all.
 */

/** One entry of the global describe (`GET /sobjects`), as far as this connector reads it. */
export interface GlobalObject {
  name: string;
  queryable?: boolean;
  retrieveable?: boolean;
  replicateable?: boolean;
  custom?: boolean;
}

interface Exclusion {
  reason: string;
  applies: (object: GlobalObject) => boolean;
}

/**
 * Objects Salesforce describes but refuses to list without a filter on one record (MALFORMED_QUERY
 * "Implementation restriction: … requires a filter by a single Id …"), or whose queries call the
 * paid Data.com service.
 */
const REFUSES_LISTING = new Set([
  'ContentDocumentLink',
  'ContentFolderItem',
  'ContentFolderMember',
  'DatacloudAddress',
  'DatacloudCompany',
  'DatacloudContact',
  'DatacloudDandBCompany',
  'DatacloudOwnedEntity',
  'DatacloudPurchaseUsage',
  'IdeaComment',
  'OutgoingEmail',
  'OutgoingEmailRelation',
  'RecordActionHistory',
  'UserRecordAccess',
  'Vote',
]);

export const EXCLUSIONS: readonly Exclusion[] = [
  { reason: 'not queryable', applies: (o) => o.queryable === false },
  { reason: 'external objects (__x): their rows live in another system, which every query calls', applies: (o) => o.name.endsWith('__x') },
  {
    reason: 'event objects (__e, ChangeEvent): a stream of messages, not stored records',
    applies: (o) => o.name.endsWith('__e') || o.name.endsWith('ChangeEvent'),
  },
  { reason: 'big objects (__b): no queryAll, and filters and order only on their index', applies: (o) => o.name.endsWith('__b') },
  { reason: 'feed objects: their queries time out on large orgs', applies: (o) => o.name.endsWith('Feed') },
  { reason: 'share objects: one row per record and grantee, their queries time out on large orgs', applies: (o) => o.name.endsWith('Share') },
  { reason: 'Salesforce refuses to list them without a filter on one record', applies: (o) => REFUSES_LISTING.has(o.name) },
];

/** Why "*" leaves the object out, or undefined when it is read. */
export function exclusionReason(object: GlobalObject): string | undefined {
  return EXCLUSIONS.find((rule) => rule.applies(object))?.reason;
}
