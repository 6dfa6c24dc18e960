/** The Salesforce objects this connector syncs, in the order streams are read and listed. */
export const SUPPORTED_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User'] as const;
export type SObjectName = (typeof SUPPORTED_OBJECTS)[number];

export const PRIMARY_KEY = 'Id';
export const CURSOR_FIELD = 'SystemModstamp';
