/**
 * What a SOQL query may see (the object's fields minus the ones field-level security hides) and
 * the Salesforce-shaped errors raised while compiling it, with the caret pointing into the query.
 */
import { specOf, type FieldSpec, type SObjectName } from './field-catalog.js';
import { noSuchColumn, SalesforceError, soqlError } from './errors.js';

// Compound, binary and untyped fields: Salesforce neither filters nor sorts on them.
const UNFILTERABLE = new Set(['address', 'location', 'base64', 'anyType', 'json']);

export class SoqlContext {
  constructor(
    readonly soql: string,
    readonly object: SObjectName,
    private readonly hidden: ReadonlySet<string>,
  ) {}

  /** Where `word` first appears as a whole word (case-insensitive), for the caret. */
  positionOf(word: string, after = 0): number | null {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(^|[^A-Za-z0-9_])(${escaped})(?![A-Za-z0-9_])`, 'gi');
    re.lastIndex = after;
    const m = re.exec(this.soql);
    return m ? m.index + m[1].length : null;
  }

  field(name: string): FieldSpec {
    const fs = specOf(this.object).byName.get(name.toLowerCase());
    if (!fs || this.hidden.has(fs.name.toLowerCase())) {
      if (name.includes('.')) {
        const rel = name.split('.')[0];
        const known = specOf(this.object).fields.some((f) => f.relationshipName?.toLowerCase() === rel.toLowerCase());
        if (known) throw SoqlContext.unsupported(`relationship fields such as ${name}`);
        throw soqlError(
          'INVALID_FIELD',
          this.soql,
          this.positionOf(name),
          `Didn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      throw soqlError('INVALID_FIELD', this.soql, this.positionOf(name), noSuchColumn(this.object, name));
    }
    return fs;
  }

  /** A field usable in WHERE: address/location and long text areas cannot be filtered. */
  filterableField(name: string): FieldSpec {
    const fs = this.field(name);
    if (UNFILTERABLE.has(fs.type) || (fs.type === 'textarea' && fs.length > 255)) {
      throw this.invalidField(`field '${fs.name}' can not be filtered in a query call`, name);
    }
    return fs;
  }

  sortableField(name: string): FieldSpec {
    const fs = this.field(name);
    if (UNFILTERABLE.has(fs.type) || (fs.type === 'textarea' && fs.length > 255)) {
      throw this.invalidField(`field '${fs.name}' can not be sorted in a query call`, name);
    }
    return fs;
  }

  invalidField(message: string, near: string): SalesforceError {
    return soqlError('INVALID_FIELD', this.soql, this.positionOf(near), message);
  }

  malformed(message: string, position: number | null): SalesforceError {
    return soqlError('MALFORMED_QUERY', this.soql, position ?? this.soql.length, message);
  }

  static unsupported(what: string): SalesforceError {
    return new SalesforceError(400, 'MALFORMED_QUERY', `The local Salesforce emulator does not support ${what}.`);
  }

  unsupported(what: string): SalesforceError {
    return SoqlContext.unsupported(what);
  }
}
