/** Salesforce REST errors: an HTTP status plus the `[{"message","errorCode"}]` array body. */

export class SalesforceError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }

  body(): { message: string; errorCode: string }[] {
    return [{ message: this.message, errorCode: this.errorCode }];
  }
}

/** The OAuth endpoint's own shape: `{"error","error_description"}`. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

export const notFound = () => new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
export const invalidSession = () => new SalesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
export const apiDisabled = () => new SalesforceError(403, 'API_CURRENTLY_DISABLED', 'API is disabled for this User');

/**
 * SOQL errors quote the query with a caret under the offending position, then
 * `ERROR at Row:r:Column:c` and the explanation.
 */
export function soqlError(errorCode: string, soql: string, position: number | null, message: string): SalesforceError {
  if (position === null) return new SalesforceError(400, errorCode, message);
  const before = soql.slice(0, position);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', position);
  // The query is quoted without the spaces that end its line.
  const line = soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).trimEnd();
  const column = position - lineStart + 1;
  const caret = `${' '.repeat(column - 1)}^`;
  return new SalesforceError(400, errorCode, `\n${line}\n${caret}\nERROR at Row:${row}:Column:${column}\n${message}`);
}

export function noSuchColumn(object: string, field: string): string {
  return (
    `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to ` +
    `append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
  );
}

export function unsupportedType(object: string): string {
  return (
    `sObject type '${object}' is not supported. If you are attempting to use a custom object, be sure to append the ` +
    `'__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
  );
}
