/** The parts of Salesforce's REST answers this connector reads. */

export interface DescribeField {
  name: string;
  type: string;
  soapType?: string;
  nillable?: boolean;
  compoundFieldName?: string | null;
  custom?: boolean;
  label?: string;
  /** a formula field: its value can change without the record's SystemModstamp moving */
  calculated?: boolean;
  /** characters a text field holds */
  length?: number;
}

export interface DescribeResult {
  name: string;
  queryable?: boolean;
  /** false when Salesforce keeps no replication log (Get Deleted) for the object */
  replicateable?: boolean;
  fields: DescribeField[];
}

/** The Get Deleted resource's answer (sobjects/{Object}/deleted). */
export interface DeletedPage {
  deletedRecords: Array<{ id: string; deletedDate: string }>;
  earliestDateAvailable?: string;
  latestDateCovered?: string;
}

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown>>;
  /** Not on the wire: frees the memory the records are in (record-slicer.ts), once they are written. */
  release?: () => void;
}

/** Turns a query page's bytes into the page (a 2xx answer); throws when they are not one. */
export type PageDecoder = (body: Buffer) => QueryPage;
