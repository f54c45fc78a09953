/**
 * ksqlDB stand-in: the little of ksqlDB's SQL that the tests use. Unquoted identifiers are
 * upper-cased as ksqlDB does; `backticked` ones keep their case.
 */

/** A parse failure; `at` is the offset in the statement where ksqlDB's parser would report it. */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly at = 0,
  ) {
    super(message);
  }
}

/** ksqlDB's `line L:C:` position (1-based, as its ParsingException prints it) of an offset in a text. */
export function positionOf(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

export interface Column {
  name: string;
  type: string;
  key: boolean;
}

export type Expr =
  | { kind: 'column'; name: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'compare'; op: '=' | '!=' | '<' | '<=' | '>' | '>='; left: Expr; right: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; inner: Expr };

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'column'; name: string; alias: string }
  | { kind: 'aggregate'; fn: 'SUM' | 'COUNT'; column: string | null; alias: string };

export interface Select {
  items: SelectItem[];
  from: string;
  where: Expr | null;
  groupBy: string | null;
  emitChanges: boolean;
}

export type Statement =
  | { type: 'createSource'; what: 'STREAM' | 'TABLE'; source: boolean; name: string; columns: Column[]; props: Record<string, string> }
  | { type: 'createAs'; what: 'STREAM' | 'TABLE'; name: string; orReplace: boolean; props: Record<string, string>; select: Select }
  | { type: 'pause' | 'resume' | 'terminate'; target: string | 'ALL' }
  | { type: 'insert'; into: string; columns: string[]; values: Array<string | number | boolean | null> }
  | { type: 'drop'; what: 'STREAM' | 'TABLE'; name: string; ifExists: boolean; deleteTopic: boolean }
  | { type: 'showQueries'; extended: boolean }
  | { type: 'list'; what: 'STREAMS' | 'TABLES' }
  | { type: 'select'; select: Select };

/** Splits a request's text into statements, each with its `;`, as ksqlDB echoes them in statementText; comments stay in. */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | null = null;
  let comment: '--' | '/*' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    current += ch;
    if (comment === '--') {
      if (ch === '\n') comment = null;
    } else if (comment === '/*') {
      if (ch === '/' && text[i - 1] === '*') comment = null;
    } else if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '`') {
      quote = ch;
    } else if ((ch === '-' || ch === '/') && text[i + 1] === (ch === '-' ? '-' : '*')) {
      comment = ch === '-' ? '--' : '/*';
      current += text[++i];
    } else if (ch === ';') {
      statements.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

type Token = ({ t: 'word'; v: string; quoted: boolean } | { t: 'string'; v: string } | { t: 'number'; v: number } | { t: 'sym'; v: string }) & { at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const at = i;
    if (/\s/.test(ch)) {
      i++;
    } else if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new SqlError('unterminated comment', at);
      i = end + 2;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new SqlError('unterminated string literal', at);
        if (text[i] === "'" && text[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (text[i] === "'") {
          i++;
          break;
        } else value += text[i++];
      }
      tokens.push({ t: 'string', v: value, at });
    } else if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw new SqlError('unterminated quoted identifier', at);
      tokens.push({ t: 'word', v: text.slice(i + 1, end), quoted: true, at });
      i = end + 1;
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ t: 'number', v: Number(match[0]), at });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ t: 'word', v: match[0].toUpperCase(), quoted: false, at });
      i += match[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['<=', '>=', '!=', '<>'].includes(two)) {
        tokens.push({ t: 'sym', v: two === '<>' ? '!=' : two, at });
        i += 2;
      } else if ('(),*=<>;.'.includes(ch)) {
        tokens.push({ t: 'sym', v: ch, at });
        i++;
      } else throw new SqlError(`unexpected character '${ch}'`, at);
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  /** An error at the current token (or the end), where ksqlDB's parser reports it. */
  fail(message: string, token = this.tokens[this.i]): SqlError {
    return new SqlError(message, token?.at ?? this.length);
  }

  peekWord(offset = 0): string | null {
    const token = this.tokens[this.i + offset];
    return token?.t === 'word' && !token.quoted ? token.v : null;
  }
  acceptWord(word: string): boolean {
    if (this.peekWord() === word) {
      this.i++;
      return true;
    }
    return false;
  }
  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.fail(`expected ${word}${this.near()}`);
  }
  acceptSym(sym: string): boolean {
    const token = this.tokens[this.i];
    if (token?.t === 'sym' && token.v === sym) {
      this.i++;
      return true;
    }
    return false;
  }
  expectSym(sym: string): void {
    if (!this.acceptSym(sym)) throw this.fail(`expected '${sym}'${this.near()}`);
  }
  identifier(): string {
    const token = this.tokens[this.i];
    if (token?.t !== 'word') throw this.fail(`expected an identifier${this.near()}`);
    this.i++;
    return token.v;
  }
  done(): boolean {
    while (this.acceptSym(';'));
    return this.i >= this.tokens.length;
  }
  near(): string {
    const token = this.tokens[this.i];
    return token ? ` near '${String(token.v)}'` : ' at the end';
  }

  statement(): Statement {
    const first = this.peekWord();
    let statement: Statement;
    if (first === 'CREATE') statement = this.create();
    else if (first === 'PAUSE' || first === 'RESUME' || first === 'TERMINATE') {
      this.i++;
      statement = { type: first.toLowerCase() as 'pause', target: this.acceptWord('ALL') ? 'ALL' : this.identifier() };
    } else if (first === 'INSERT') statement = this.insert();
    else if (first === 'DROP') {
      this.i++;
      const what = this.identifier();
      if (what !== 'STREAM' && what !== 'TABLE') throw this.fail(`expected STREAM or TABLE${this.near()}`);
      const ifExists = this.acceptWord('IF') ? (this.expectWord('EXISTS'), true) : false;
      const name = this.identifier();
      const deleteTopic = this.acceptWord('DELETE') ? (this.expectWord('TOPIC'), true) : false;
      statement = { type: 'drop', what, name, ifExists, deleteTopic };
    } else if (first === 'SHOW' && this.peekWord(1) === 'QUERIES') {
      this.i += 2;
      statement = { type: 'showQueries', extended: this.acceptWord('EXTENDED') };
    } else if ((first === 'LIST' || first === 'SHOW') && (this.peekWord(1) === 'STREAMS' || this.peekWord(1) === 'TABLES')) {
      this.i++;
      statement = { type: 'list', what: this.identifier() as 'STREAMS' | 'TABLES' };
    } else if (first === 'SELECT') statement = { type: 'select', select: this.select() };
    else throw this.fail(`Unknown statement '${first ?? String(this.tokens[0]?.v ?? '')}'`);
    if (!this.done()) throw this.fail(`unexpected input${this.near()}`);
    return statement;
  }

  private create(): Statement {
    this.expectWord('CREATE');
    const orReplace = this.acceptWord('OR') ? (this.expectWord('REPLACE'), true) : false;
    const source = this.acceptWord('SOURCE');
    const what = this.identifier();
    if (what !== 'STREAM' && what !== 'TABLE') throw this.fail(`expected STREAM or TABLE${this.near()}`);
    const name = this.identifier();
    if (this.acceptSym('(')) {
      const columns: Column[] = [];
      do {
        const column = this.identifier();
        const type = this.identifier();
        let key = false;
        if (this.acceptWord('KEY')) key = true;
        else if (this.acceptWord('PRIMARY')) {
          this.expectWord('KEY');
          key = true;
        }
        columns.push({ name: column, type, key });
      } while (this.acceptSym(','));
      this.expectSym(')');
      const props = this.acceptWord('WITH') ? this.props() : {};
      return { type: 'createSource', what, source, name, columns, props };
    }
    if (source) throw this.fail('CREATE SOURCE needs a column list');
    const props = this.acceptWord('WITH') ? this.props() : {};
    this.expectWord('AS');
    return { type: 'createAs', what, name, orReplace, props, select: this.select() };
  }

  private insert(): Statement {
    this.expectWord('INSERT');
    this.expectWord('INTO');
    const into = this.identifier();
    const columns: string[] = [];
    if (this.acceptSym('(')) {
      do columns.push(this.identifier());
      while (this.acceptSym(','));
      this.expectSym(')');
    }
    this.expectWord('VALUES');
    this.expectSym('(');
    const values: Array<string | number | boolean | null> = [];
    do {
      const value = this.operand();
      if (value.kind !== 'literal') throw this.fail('ksqlDB stand-in: INSERT VALUES takes literals only', this.tokens[this.i - 1]);
      values.push(value.value);
    } while (this.acceptSym(','));
    this.expectSym(')');
    return { type: 'insert', into, columns, values };
  }

  private props(): Record<string, string> {
    const props: Record<string, string> = {};
    this.expectSym('(');
    do {
      const key = this.identifier();
      this.expectSym('=');
      const token = this.tokens[this.i++];
      if (!token || token.t === 'sym') throw this.fail(`expected a value for ${key}`, token);
      props[key] = String(token.v);
    } while (this.acceptSym(','));
    this.expectSym(')');
    return props;
  }

  private select(): Select {
    this.expectWord('SELECT');
    const items: SelectItem[] = [];
    let generated = 0;
    do {
      if (this.acceptSym('*')) {
        items.push({ kind: 'star' });
        continue;
      }
      const word = this.identifier();
      if ((word === 'SUM' || word === 'COUNT') && this.acceptSym('(')) {
        const column = this.acceptSym('*') ? null : this.identifier();
        this.expectSym(')');
        const alias = this.acceptWord('AS') ? this.identifier() : `KSQL_COL_${generated++}`;
        items.push({ kind: 'aggregate', fn: word, column, alias });
      } else {
        items.push({ kind: 'column', name: word, alias: this.acceptWord('AS') ? this.identifier() : word });
      }
    } while (this.acceptSym(','));
    this.expectWord('FROM');
    const from = this.identifier();
    const where = this.acceptWord('WHERE') ? this.or() : null;
    let groupBy: string | null = null;
    if (this.acceptWord('GROUP')) {
      this.expectWord('BY');
      groupBy = this.identifier();
    }
    let emitChanges = false;
    if (this.acceptWord('EMIT')) {
      this.expectWord('CHANGES');
      emitChanges = true;
    }
    return { items, from, where, groupBy, emitChanges };
  }

  private or(): Expr {
    let left = this.and();
    while (this.acceptWord('OR')) left = { kind: 'or', left, right: this.and() };
    return left;
  }
  private and(): Expr {
    let left = this.not();
    while (this.acceptWord('AND')) left = { kind: 'and', left, right: this.not() };
    return left;
  }
  private not(): Expr {
    if (this.acceptWord('NOT')) return { kind: 'not', inner: this.not() };
    if (this.acceptSym('(')) {
      const inner = this.or();
      this.expectSym(')');
      return inner;
    }
    const left = this.operand();
    const token = this.tokens[this.i];
    if (token?.t === 'sym' && ['=', '!=', '<', '<=', '>', '>='].includes(token.v)) {
      this.i++;
      return { kind: 'compare', op: token.v as '=', left, right: this.operand() };
    }
    return left;
  }
  private operand(): Expr {
    const token = this.tokens[this.i++];
    if (!token) throw this.fail('expected a value at the end', token);
    if (token.t === 'string' || token.t === 'number') return { kind: 'literal', value: token.v };
    if (token.t === 'word' && !token.quoted && (token.v === 'TRUE' || token.v === 'FALSE')) return { kind: 'literal', value: token.v === 'TRUE' };
    if (token.t === 'word' && !token.quoted && token.v === 'NULL') return { kind: 'literal', value: null };
    if (token.t === 'word') return { kind: 'column', name: token.v };
    throw this.fail(`unexpected '${token.v}'`, token);
  }
}

export function parseStatement(text: string): Statement {
  return new Parser(tokenize(text), text.length).statement();
}

/** Column lookup is by upper-cased name, as ksqlDB matches JSON fields to columns. */
export function evaluate(expr: Expr, row: Map<string, unknown>): unknown {
  switch (expr.kind) {
    case 'column':
      return row.get(expr.name.toUpperCase()) ?? null;
    case 'literal':
      return expr.value;
    case 'not':
      return !truthy(evaluate(expr.inner, row));
    case 'and':
      return truthy(evaluate(expr.left, row)) && truthy(evaluate(expr.right, row));
    case 'or':
      return truthy(evaluate(expr.left, row)) || truthy(evaluate(expr.right, row));
    case 'compare': {
      const a = evaluate(expr.left, row);
      const b = evaluate(expr.right, row);
      if (a === null || b === null) return false;
      switch (expr.op) {
        case '=':
          return a === b;
        case '!=':
          return a !== b;
        case '<':
          return (a as number) < (b as number);
        case '<=':
          return (a as number) <= (b as number);
        case '>':
          return (a as number) > (b as number);
        case '>=':
          return (a as number) >= (b as number);
      }
    }
  }
}

function truthy(value: unknown): boolean {
  return value === true;
}
