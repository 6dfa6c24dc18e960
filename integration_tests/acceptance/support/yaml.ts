/**
 * A strict reader for the small YAML subset our metadata.yaml and acceptance-test-config.yml use:
 * block mappings, block sequences (of scalars or mappings), `#` comments, quoted and plain scalars,
 * and empty flow collections. Anything else (anchors, multi-line strings, flow mappings with content,
 * tabs) is refused with the line number, so the files stay simple enough for any YAML tool.
 */

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  no: number;
  indent: number;
  text: string;
}

function stripComment(raw: string): string {
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1]))) {
      return raw.slice(0, i);
    }
  }
  return raw;
}

function scalar(text: string, no: number): YamlValue {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error(`line ${no}: unterminated double-quoted string`);
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`line ${no}: unterminated single-quoted string`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (t === '[]') return [];
  if (t === '{}') return {};
  if (t.startsWith('[') && t.endsWith(']')) return t.slice(1, -1).split(',').map((part) => scalar(part, no));
  if (/^[[{&*!|>%@`]/.test(t)) throw new Error(`line ${no}: unsupported YAML syntax '${t}'`);
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(t)) return Number(t);
  return t;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'#][^:]*?):(?:\s+(.*))?$/;

class Parser {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  parse(): YamlValue {
    if (!this.lines.length) return null;
    const value = this.block(this.lines[0].indent);
    if (this.i < this.lines.length) throw new Error(`line ${this.lines[this.i].no}: unexpected indentation`);
    return value;
  }

  private get line(): Line | undefined {
    return this.lines[this.i];
  }

  private block(indent: number): YamlValue {
    return this.isItem(this.line) ? this.sequence(indent) : this.mapping(indent);
  }

  private isItem(line: Line | undefined): boolean {
    return !!line && (line.text === '-' || line.text.startsWith('- '));
  }

  private sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    while (this.line && this.line.indent === indent && this.isItem(this.line)) {
      const line = this.line;
      const content = line.text.slice(1).trimStart();
      if (!content) {
        this.i++;
        out.push(this.nested(indent));
      } else if (KEY.test(content) && !content.startsWith('"') && !content.startsWith("'")) {
        // "- key: value" opens a mapping whose keys line up with `key`.
        const column = indent + (line.text.length - content.length);
        this.lines[this.i] = { no: line.no, indent: column, text: content };
        out.push(this.mapping(column));
      } else {
        this.i++;
        out.push(scalar(content, line.no));
      }
    }
    return out;
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    while (this.line && this.line.indent === indent && !this.isItem(this.line)) {
      const line = this.line;
      const match = KEY.exec(line.text);
      if (!match) throw new Error(`line ${line.no}: expected 'key: value', found '${line.text}'`);
      const key = String(scalar(match[1], line.no));
      if (Object.hasOwn(out, key)) throw new Error(`line ${line.no}: duplicate key '${key}'`);
      this.i++;
      out[key] = match[2] !== undefined && match[2].trim() !== '' ? scalar(match[2], line.no) : this.nested(indent, true);
    }
    if (this.line && this.line.indent > indent) throw new Error(`line ${this.line.no}: unexpected indentation`);
    return out;
  }

  /** The value under a `key:` or `-` line: a deeper block, a same-level sequence after a key, or null. */
  private nested(indent: number, afterKey = false): YamlValue {
    const next = this.line;
    if (next && next.indent > indent) return this.block(next.indent);
    if (afterKey && next && next.indent === indent && this.isItem(next)) return this.sequence(indent);
    return null;
  }
}

export function parseYaml(text: string): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*\t/.test(raw)) throw new Error(`line ${index + 1}: tabs are not allowed for indentation`);
    if (index === 0 && raw.trim() === '---') return;
    const body = stripComment(raw).replace(/\s+$/, '');
    if (!body.trim()) return;
    lines.push({ no: index + 1, indent: body.length - body.trimStart().length, text: body.trim() });
  });
  return new Parser(lines).parse();
}
