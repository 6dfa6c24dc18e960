/**
 * Runs a SOQL query against the store: parses with soql-parser-js, checks names against what the
 * user may see, filters, orders and limits. The result is a frozen list of row references (the
 * snapshot a query locator pages through), not copies.
 */
import type { FieldType as ParsedField, OrderByClause, Query } from 'soql-parser-js';
import { specOf, type SObjectName, type SRecord } from './field-catalog.js';
import { SalesforceError, soqlError, unsupportedType } from './errors.js';
import type { OrgStore } from './org-store.js';
import type { Column } from './record-serializer.js';
import { SoqlContext } from './soql-context.js';
import { compileWhere, type ModstampRange, type Predicate } from './soql-where.js';

// soql-parser-js is CommonJS, and loading it costs most of a second. Node's own require loads it (the
// way integration_tests/helpers/native.ts loads modules), so that the test suites which load the
// emulator through Jest's module registry, one copy per test file, share one copy of the parser per
// process instead of loading it again for each file; and only at the first query, so an emulator
// process that never gets one (a wrong flag) does not load it at all.
const nodeRequire = process.getBuiltinModule('node:module').createRequire(import.meta.url);
let parser: typeof import('soql-parser-js') | undefined;
const parseQuery: (typeof import('soql-parser-js'))['parseQuery'] = (...args) => (parser ??= nodeRequire('soql-parser-js')).parseQuery(...args);

export interface QueryAccess {
  /** The granted object of that name (case-insensitive), as the org spells it. */
  resolve(name: string): SObjectName | undefined;
  isGranted(object: SObjectName): boolean;
  hiddenFields(object: SObjectName): ReadonlySet<string>;
}

export interface QueryResult {
  object: SObjectName;
  columns: Column[];
  /** Every result row, in result order (empty for COUNT()). */
  rows: readonly SRecord[];
  totalSize: number;
  countOnly: boolean;
  /** OFFSET queries return only their first batch. */
  singlePage: boolean;
  /** SystemModstamp bounds implied by the WHERE clause (null: unbounded), for the window-width timeout. */
  window: ModstampRange | null;
  /** The query has a LIMIT, so Salesforce stops scanning early. */
  limited: boolean;
}

export const MAX_OFFSET = 2000;

/**
 * Parsed queries by text. A parse costs milliseconds, and a test's reads send the same queries
 * again (the same windows read from each checkpoint, by REST and by Bulk): the parse is a pure
 * function of the text, and nothing changes what it returns, so it is kept whatever org asks.
 */
const parsed = new Map<string, Query>();
const PARSED_KEPT = 500;

function parse(soql: string): Query {
  let query = parsed.get(soql);
  if (!query) {
    if (parsed.size >= PARSED_KEPT) parsed.clear();
    parsed.set(soql, (query = parseOnce(soql)));
  }
  return query;
}

function parseOnce(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const found = /but found(?::| -->) '([^']*)'/.exec(text)?.[1] ?? '';
    const ctx = new SoqlContext(soql, 'Account', new Set());
    const at = found ? (ctx.positionOf(found) ?? soql.indexOf(found)) : soql.length;
    throw ctx.malformed(`unexpected token: '${found || '<EOF>'}'`, at < 0 ? soql.length : at);
  }
}

function resolveObject(soql: string, query: Query, access: QueryAccess): SObjectName {
  const name = query.sObject ?? '';
  const object = access.resolve(name);
  if (!object) {
    const ctx = new SoqlContext(soql, 'Account', new Set());
    throw soqlError('INVALID_TYPE', soql, ctx.positionOf(name, Math.max(0, soql.search(/\bfrom\b/i))), unsupportedType(name));
  }
  if (!specOf(object).queryable) {
    throw soqlError('INVALID_TYPE_FOR_OPERATION', soql, soql.search(/\bfrom\b/i), `entity type ${object} does not support query`);
  }
  return object;
}

/** Expands the SELECT list into columns; returns null for `SELECT COUNT()`. */
function selectColumns(fields: ParsedField[], ctx: SoqlContext, limit: number | undefined): Column[] | null {
  const columns: Column[] = [];
  const seen = new Set<string>();
  const add = (name: string) => {
    const spec = ctx.field(name);
    if (seen.has(spec.name)) throw ctx.malformed(`duplicate field selected: ${spec.name}`, ctx.positionOf(name, ctx.soql.search(/,/)));
    seen.add(spec.name);
    columns.push({ key: spec.name, spec });
  };
  for (const f of fields) {
    if (f.type === 'Field') add(f.field);
    else if (f.type === 'FieldRelationship') add(f.rawValue ?? `${f.relationships.join('.')}.${f.field}`);
    else if (f.type === 'FieldFunctionExpression') {
      const fn = f.functionName.toUpperCase();
      if (fn === 'COUNT' && f.parameters.length === 0) {
        if (fields.length > 1) throw ctx.malformed('COUNT() must be the only element in the SELECT list.', ctx.positionOf('COUNT'));
        return null;
      }
      if (fn === 'FIELDS') {
        const which = String(f.parameters[0]).toUpperCase();
        if (which === 'ALL' && (limit === undefined || limit > 200)) {
          throw ctx.malformed('The SOQL FIELDS function must have a LIMIT of at most 200', ctx.positionOf('FIELDS'));
        }
        for (const spec of specOf(ctx.object).fields) {
          if (which === 'ALL' || (which === 'CUSTOM') === spec.custom) {
            try {
              add(spec.name);
            } catch (e) {
              if (!(e instanceof SalesforceError)) throw e;
            }
          }
        }
        continue;
      }
      throw ctx.unsupported(`the function ${fn}() in SELECT`);
    } else throw ctx.unsupported('subqueries and TYPEOF');
  }
  return columns;
}

type SortKey = { name: string; desc: boolean; nullsFirst: boolean; fold: boolean };

function sortKeys(orderBy: OrderByClause | OrderByClause[] | undefined, ctx: SoqlContext): SortKey[] {
  const items = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
  return items.map((item) => {
    if (!('field' in item)) throw ctx.unsupported('functions in ORDER BY');
    const spec = ctx.sortableField(item.field);
    return {
      name: spec.name,
      desc: item.order === 'DESC',
      nullsFirst: item.nulls !== 'LAST',
      fold: !['id', 'reference', 'date', 'datetime'].includes(spec.type),
    };
  });
}

/** Storage order is (stamp, Id) ascending; a query asking for that needs no sort. */
function isStorageOrder(keys: SortKey[], stamp: string | null): boolean {
  if (keys.length === 0) return true;
  if (!stamp) return keys.length === 1 && keys[0].name === 'Id' && !keys[0].desc;
  if (keys[0].name !== stamp || keys[0].desc) return false;
  return keys.length === 1 || (keys[1].name === 'Id' && !keys[1].desc);
}

function sortRows(rows: SRecord[], keys: SortKey[]): SRecord[] {
  const decorated = rows.map((row, index) => ({
    row,
    index,
    k: keys.map((key) => {
      const v = row[key.name];
      return key.fold && typeof v === 'string' ? v.toLowerCase() : v;
    }),
  }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.k[i];
      const y = b.k[i];
      if (x === y) continue;
      if (x === null) return keys[i].nullsFirst ? -1 : 1;
      if (y === null) return keys[i].nullsFirst ? 1 : -1;
      const c = x < y ? -1 : x > y ? 1 : 0;
      if (c) return keys[i].desc ? -c : c;
    }
    return a.index - b.index;
  });
  return decorated.map((d) => d.row);
}

function bound(rows: readonly SRecord[], value: string, after: boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = rows[mid].SystemModstamp as string;
    if (v < value || (after && v === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function scan(all: readonly SRecord[], range: ModstampRange | null, keep: Predicate | null, includeDeleted: boolean, collect: boolean) {
  let lo = 0;
  let hi = all.length;
  if (range?.lower) lo = bound(all, range.lower.value, !range.lower.inclusive);
  if (range?.upper) hi = bound(all, range.upper.value, range.upper.inclusive);
  const out: SRecord[] = [];
  let count = 0;
  for (let i = lo; i < hi; i++) {
    const row = all[i];
    if (!includeDeleted && row.IsDeleted === true) continue;
    if (keep && !keep(row)) continue;
    count++;
    if (collect) out.push(row);
  }
  return { out, count };
}

export function executeSoql(soql: string, store: OrgStore, access: QueryAccess, includeDeleted: boolean): QueryResult {
  if (!soql.trim()) throw new SalesforceError(400, 'MALFORMED_QUERY', 'SOQL statements cannot be empty or null');
  const query = parse(soql);
  const object = resolveObject(soql, query, access);
  const ctx = new SoqlContext(soql, object, access.hiddenFields(object));
  if (query.groupBy || query.having) throw ctx.unsupported('GROUP BY and HAVING');
  if (query.for || query.update || query.withDataCategory) throw ctx.unsupported('FOR, UPDATE and WITH DATA CATEGORY');
  const columns = selectColumns(query.fields ?? [], ctx, query.limit);
  const compiled = query.where ? compileWhere(query.where, ctx) : null;
  const keys = sortKeys(query.orderBy, ctx);
  if (query.offset !== undefined && query.offset > MAX_OFFSET) {
    throw soqlError(
      'NUMBER_OUTSIDE_VALID_RANGE',
      soql,
      ctx.positionOf(String(query.offset), soql.search(/\boffset\b/i)),
      `Maximum SOQL offset allowed is ${MAX_OFFSET}`,
    );
  }
  const stamp = store.stampField(object);
  // The WHERE's SystemModstamp bounds narrow the scan only where rows are stored in SystemModstamp order.
  const range = stamp === 'SystemModstamp' ? (compiled?.range ?? null) : null;
  const { out, count } = scan(store.rows(object), range, compiled?.predicate ?? null, includeDeleted, columns !== null);
  const offset = query.offset ?? 0;
  const limit = query.limit ?? Infinity;
  if (columns === null) {
    const totalSize = Math.max(0, Math.min(count - offset, limit));
    return { object, columns: [], rows: [], totalSize, countOnly: true, singlePage: true, window: compiled?.range ?? null, limited: query.limit !== undefined };
  }
  let rows = isStorageOrder(keys, stamp) ? out : sortRows(out, keys);
  if (offset > 0 || limit < rows.length) rows = rows.slice(offset, offset + limit);
  return {
    object,
    columns,
    rows,
    totalSize: rows.length,
    countOnly: false,
    singlePage: query.offset !== undefined,
    window: compiled?.range ?? null,
    limited: query.limit !== undefined,
  };
}
