/**
 * Compiles a parsed WHERE clause into a row predicate.
 *
 * soql-parser-js returns conditions as a right-leaning chain with parentheses recorded as
 * open/close counts on the leaf conditions, so the chain is flattened back into tokens and re-parsed
 * with SOQL precedence (NOT, then AND, then OR).
 */
import type { Condition, ValueCondition, WhereClause } from 'soql-parser-js';
import { type FieldSpec, type FieldValue, type SRecord } from './field-catalog.js';
import { normalizeId } from './ids.js';
import { isDateLiteral, normalizeDateTimeLiteral, formatDate, formatDateTime, DAY_MS } from './sf-time.js';
import { SoqlContext } from './soql-context.js';

export type Predicate = (row: SRecord) => boolean;

/** Bounds on SystemModstamp implied by a top-level AND chain, used to narrow the scan by binary search. */
export interface ModstampRange {
  lower: { value: string; inclusive: boolean } | null;
  upper: { value: string; inclusive: boolean } | null;
}

type Token = { kind: 'open' | 'close' | 'not' | 'and' | 'or' } | { kind: 'cond'; cond: ValueCondition };

interface Node {
  op: 'and' | 'or' | 'not' | 'cond';
  children: Node[];
  cond?: ValueCondition;
}

function flatten(where: WhereClause): Token[] {
  const tokens: Token[] = [];
  const repeat = (kind: 'open' | 'close', n: number | undefined) => {
    for (let i = 0; i < (n ?? 0); i++) tokens.push({ kind });
  };
  let node: WhereClause | undefined = where;
  while (node) {
    const left = node.left as (Condition & { field?: string; fn?: unknown; valueQuery?: unknown }) | null;
    const op = 'operator' in node ? node.operator : undefined;
    if (op === 'NOT' && (left === null || (!('field' in left) && !('fn' in left)))) {
      repeat('open', left?.openParen);
      tokens.push({ kind: 'not' });
    } else if (left) {
      if ('valueQuery' in left || 'fn' in left) throw SoqlContext.unsupported('semi-joins and functions in WHERE');
      const cond = left as ValueCondition;
      repeat('open', cond.openParen);
      tokens.push({ kind: 'cond', cond });
      repeat('close', cond.closeParen);
      if (op === 'AND' || op === 'OR') tokens.push({ kind: op === 'AND' ? 'and' : 'or' });
    }
    node = 'right' in node ? node.right : undefined;
  }
  return tokens;
}

function parseTokens(tokens: Token[], ctx: SoqlContext): Node {
  let i = 0;
  const peek = () => tokens[i]?.kind;
  const orExpr = (): Node => {
    const parts = [andExpr()];
    while (peek() === 'or') {
      i++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0] : { op: 'or', children: parts };
  };
  const andExpr = (): Node => {
    const parts = [unary()];
    while (peek() === 'and') {
      i++;
      parts.push(unary());
    }
    return parts.length === 1 ? parts[0] : { op: 'and', children: parts };
  };
  const unary = (): Node => {
    const t = tokens[i++];
    if (!t) throw ctx.malformed("unexpected token: '<EOF>'", null);
    if (t.kind === 'not') return { op: 'not', children: [unary()] };
    if (t.kind === 'open') {
      const inner = orExpr();
      if (tokens[i++]?.kind !== 'close') throw ctx.malformed("unexpected token: '<EOF>'", null);
      return inner;
    }
    if (t.kind === 'cond') return { op: 'cond', children: [], cond: t.cond };
    throw ctx.malformed(`unexpected token: '${t.kind.toUpperCase()}'`, null);
  };
  const root = orExpr();
  if (i !== tokens.length) throw ctx.malformed("unexpected token: ')'", null);
  return root;
}

const RELATIVE_DATES: Record<string, (today: number, n: number) => [number, number]> = {
  TODAY: (t) => [t, t + DAY_MS],
  YESTERDAY: (t) => [t - DAY_MS, t],
  TOMORROW: (t) => [t + DAY_MS, t + 2 * DAY_MS],
  LAST_N_DAYS: (t, n) => [t - n * DAY_MS, t + DAY_MS],
  NEXT_N_DAYS: (t, n) => [t + DAY_MS, t + (n + 1) * DAY_MS],
  N_DAYS_AGO: (t, n) => [t - n * DAY_MS, t - (n - 1) * DAY_MS],
};

type Literal = { kind: 'value'; value: FieldValue } | { kind: 'range'; from: FieldValue; to: FieldValue };

/** Converts one literal to the storage representation of the field's type, or fails like Salesforce. */
function literalFor(fs: FieldSpec, raw: string, type: string | undefined, ctx: SoqlContext): Literal {
  if (type === 'NULL') return { kind: 'value', value: null };
  const wrongType = (expected: string, quoted: boolean) =>
    ctx.invalidField(
      `value of filter criterion for field '${fs.name}' must be of type ${expected} and ${quoted ? 'should be enclosed in quotes' : 'should not be enclosed in quotes'}`,
      fs.name,
    );
  switch (fs.type) {
    case 'id':
    case 'reference': {
      if (type !== 'STRING') throw wrongType('id', true);
      const text = unquote(raw);
      const id = normalizeId(text);
      if (!id) throw ctx.malformed(`invalid ID field: ${text}`, null);
      return { kind: 'value', value: id };
    }
    case 'boolean':
      if (type !== 'BOOLEAN') throw wrongType('boolean', false);
      return { kind: 'value', value: raw.toUpperCase() === 'TRUE' };
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      if (!type || !/^(INTEGER|DECIMAL)/.test(type)) throw wrongType(fs.type === 'int' ? 'integer' : 'double', false);
      return { kind: 'value', value: Number(raw.replace(/^[A-Z]{3}/, '')) };
    }
    case 'date':
    case 'datetime': {
      if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') {
        const [name, n] = raw.toUpperCase().split(':');
        const fn = RELATIVE_DATES[name];
        if (!fn) throw ctx.unsupported(`the date literal ${name}`);
        const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
        const [from, to] = fn(today, Number(n ?? 0));
        const fmt = fs.type === 'date' ? formatDate : formatDateTime;
        return { kind: 'range', from: fmt(from), to: fmt(to) };
      }
      if (fs.type === 'date') {
        if (type !== 'DATE' || !isDateLiteral(raw)) throw wrongType('date', false);
        return { kind: 'value', value: raw };
      }
      const value = type === 'DATETIME' ? normalizeDateTimeLiteral(raw) : null;
      if (value === null) throw wrongType('dateTime', false);
      return { kind: 'value', value };
    }
    default:
      if (type !== 'STRING') throw wrongType('string', true);
      return { kind: 'value', value: unquote(raw).toLowerCase() };
  }
}

export function unquote(raw: string): string {
  const body = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[c] ?? c);
}

function likeToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

const CASE_INSENSITIVE = new Set(['string', 'textarea', 'picklist', 'email', 'phone', 'url']);

function compileCondition(cond: ValueCondition, ctx: SoqlContext): Predicate {
  const fs = ctx.filterableField(cond.field);
  const name = fs.name;
  const fold = CASE_INSENSITIVE.has(fs.type);
  const get = fold
    ? (row: SRecord) => {
        const v = row[name];
        return typeof v === 'string' ? v.toLowerCase() : v;
      }
    : (row: SRecord) => row[name];
  const op = cond.operator as string;
  const types = Array.isArray(cond.literalType) ? cond.literalType : [];
  if (op === 'IN' || op === 'NOT IN') {
    const raws = Array.isArray(cond.value) ? cond.value : [cond.value];
    const set = new Set(
      raws.map((raw, k) => {
        const lit = literalFor(fs, raw, types[k] ?? (cond.literalType as string | undefined), ctx);
        if (lit.kind === 'range') throw ctx.unsupported('date literals inside IN');
        return lit.value;
      }),
    );
    return op === 'IN' ? (row) => set.has(get(row)) : (row) => !set.has(get(row));
  }
  if (Array.isArray(cond.value)) throw ctx.malformed(`unexpected token: '('`, null);
  if (op === 'INCLUDES' || op === 'EXCLUDES') {
    throw ctx.invalidField(`${op} operator is only valid on multi-select picklist fields`, name);
  }
  const lit = literalFor(fs, cond.value, cond.literalType as string | undefined, ctx);
  if (op === 'LIKE') {
    if (!fold) throw ctx.invalidField(`invalid operator on ${fs.type} field: LIKE`, name);
    const re = likeToRegExp(String(lit.kind === 'value' ? lit.value : ''));
    return (row) => {
      const v = row[name];
      return typeof v === 'string' && re.test(v);
    };
  }
  if (lit.kind === 'range') {
    const { from, to } = lit as { from: string; to: string };
    const within: Record<string, (v: string) => boolean> = {
      '=': (v) => v >= from && v < to,
      '!=': (v) => !(v >= from && v < to),
      '<>': (v) => !(v >= from && v < to),
      '<': (v) => v < from,
      '<=': (v) => v < to,
      '>': (v) => v >= to,
      '>=': (v) => v >= from,
    };
    const test = within[op];
    return (row) => {
      const v = row[name];
      return typeof v === 'string' ? test(v) : op === '!=' || op === '<>';
    };
  }
  const want = lit.value;
  switch (op) {
    case '=':
      return (row) => get(row) === want;
    case '!=':
    case '<>':
      return (row) => get(row) !== want;
    default: {
      if (want === null) return () => false;
      const cmp: Record<string, (a: NonNullable<FieldValue>) => boolean> = {
        '<': (a) => a < want,
        '<=': (a) => a <= want,
        '>': (a) => a > want,
        '>=': (a) => a >= want,
      };
      const test = cmp[op];
      if (!test) throw ctx.malformed(`unexpected token: '${op}'`, null);
      return (row) => {
        const v = get(row);
        return v !== null && test(v);
      };
    }
  }
}

function compileNode(node: Node, ctx: SoqlContext): Predicate {
  if (node.op === 'cond') return compileCondition(node.cond!, ctx);
  const parts = node.children.map((c) => compileNode(c, ctx));
  if (node.op === 'not') return (row) => !parts[0](row);
  if (node.op === 'and') return (row) => parts.every((p) => p(row));
  return (row) => parts.some((p) => p(row));
}

type Bound = { value: string; inclusive: boolean };

/** The looser of two bounds on one side (for OR: a row may satisfy either branch). */
function looser(a: Bound, b: Bound, lower: boolean): Bound {
  if (a.value === b.value) return { value: a.value, inclusive: a.inclusive || b.inclusive };
  return a.value < b.value === lower ? a : b;
}

function modstampRange(node: Node): ModstampRange | null {
  // An OR bounds a side only if every branch does, e.g. the resume clause
  // `(SystemModstamp > x OR (SystemModstamp = x AND Id > y))` implies SystemModstamp >= x.
  if (node.op === 'or') {
    const branches = node.children.map(modstampRange);
    if (branches.some((b) => b === null)) return null;
    const rs = branches as ModstampRange[];
    const side = (key: 'lower' | 'upper') => (rs.every((r) => r[key]) ? rs.map((r) => r[key]!).reduce((a, b) => looser(a, b, key === 'lower')) : null);
    const range = { lower: side('lower'), upper: side('upper') };
    return range.lower || range.upper ? range : null;
  }
  const conds = node.op === 'and' ? node.children : [node];
  const range: ModstampRange = { lower: null, upper: null };
  for (const c of conds) {
    if (c.op === 'or' || c.op === 'and') {
      const inner = modstampRange(c);
      if (inner?.lower && (!range.lower || inner.lower.value > range.lower.value)) range.lower = inner.lower;
      if (inner?.upper && (!range.upper || inner.upper.value < range.upper.value)) range.upper = inner.upper;
      continue;
    }
    if (c.op !== 'cond' || c.cond!.field.toLowerCase() !== 'systemmodstamp' || c.cond!.literalType !== 'DATETIME') continue;
    const value = normalizeDateTimeLiteral(String(c.cond!.value));
    if (!value) continue;
    const op = c.cond!.operator;
    // Only tighten: with several bounds on one side the tightest wins.
    if (op === '>' || op === '>=' || op === '=') {
      if (!range.lower || value > range.lower.value) range.lower = { value, inclusive: op !== '>' };
    }
    if (op === '<' || op === '<=' || op === '=') {
      if (!range.upper || value < range.upper.value) range.upper = { value, inclusive: op !== '<' };
    }
  }
  return range.lower || range.upper ? range : null;
}

export function compileWhere(where: WhereClause, ctx: SoqlContext): { predicate: Predicate; range: ModstampRange | null } {
  const tree = parseTokens(flatten(where), ctx);
  return { predicate: compileNode(tree, ctx), range: modstampRange(tree) };
}
