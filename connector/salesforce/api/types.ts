/** The parts of Salesforce's REST answers this connector reads. */
export interface DescribeField {
  name: string;
  type: string;
  soapType?: string;
  nillable?: boolean;
  compoundFieldName?: string | null;
  custom?: boolean;
  label?: string;
}

export interface DescribeResult {
  name: string;
  queryable?: boolean;
  fields: DescribeField[];
}

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Array<Record<string, unknown>>;
}
