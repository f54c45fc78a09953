/**
 * ksqlDB statement text as the editor and the agent both need it: split into statements with
 * their offsets, and the target of a `CREATE [OR REPLACE] STREAM|TABLE x ... AS SELECT`.
 * Quotes ('strings' with '' escapes, `identifiers`) and comments (-- and /* *\/) are respected.
 */

export interface SqlStatement {
  /** The statement from its first character of code to its `;` (or the end of the text). */
  text: string;
  /** Offsets in the whole text: start of `text` and the index just past it. */
  start: number;
  end: number;
}

export interface DeployTarget {
  what: 'STREAM' | 'TABLE';
  /** As ksqlDB names it: unquoted identifiers upper-cased, `backticked` ones kept. */
  name: string;
  orReplace: boolean;
  /** Offset, within the statement, just past the CREATE keyword. */
  afterCreate: number;
}

/**
 * The text with comments and the insides of string literals replaced by spaces (newlines kept),
 * so offsets stay the same and keywords inside them are never matched.
 */
export function blankLiterals(source: string): string {
  let out = '';
  let i = 0;
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  while (i < source.length) {
    const ch = source[i];
    if (ch === '-' && source[i + 1] === '-') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (ch === "'") {
      let j = i + 1;
      while (j < source.length && (source[j] !== "'" || source[j + 1] === "'")) j += source[j] === "'" ? 2 : 1;
      const closed = j < source.length;
      out += `'${blank(source.slice(i + 1, j))}${closed ? "'" : ''}`;
      i = closed ? j + 1 : source.length;
    } else if (ch === '`') {
      const end = source.indexOf('`', i + 1);
      const stop = end < 0 ? source.length : end + 1;
      out += source.slice(i, stop); // identifiers stay readable: the target's name may be one
      i = stop;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

export function splitSqlStatements(source: string): SqlStatement[] {
  const code = blankLiterals(source);
  const statements: SqlStatement[] = [];
  let start = -1;
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '`') {
      if (start < 0) start = i;
      const end = code.indexOf('`', i + 1);
      i = end < 0 ? code.length : end;
    } else if (ch === ';') {
      if (start >= 0) statements.push({ text: source.slice(start, i + 1), start, end: i + 1 });
      start = -1;
    } else if (start < 0 && /\S/.test(ch)) {
      start = i;
    }
  }
  if (start >= 0) {
    const end = code.trimEnd().length;
    statements.push({ text: source.slice(start, end), start, end });
  }
  return statements;
}

const CREATE_AS = /^CREATE\s+(OR\s+REPLACE\s+)?(STREAM|TABLE)\s+(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)[\s\S]*?\bAS\s+SELECT\b/i;

/** The stream or table a `CREATE ... AS SELECT` writes; null for any other statement. */
export function deployTarget(statement: string): DeployTarget | null {
  const match = CREATE_AS.exec(blankLiterals(statement).trimStart());
  if (!match) return null;
  const leading = statement.length - statement.trimStart().length;
  const raw = match[3];
  return {
    what: match[2].toUpperCase() as 'STREAM' | 'TABLE',
    name: raw.startsWith('`') ? raw.slice(1, -1) : raw.toUpperCase(),
    orReplace: match[1] !== undefined,
    afterCreate: leading + 'CREATE'.length,
  };
}

const INSERT = /^INSERT\s+(?:INTO|OVERWRITE)\s+((?:`[^`]+`|[\w$]+)(?:\s*\.\s*(?:`[^`]+`|[\w$]+))*)/i;

/** The table an `INSERT INTO|OVERWRITE t ...` writes, as written (`cat`.db.t kept whole), and where its query starts; null for any other statement. */
export function insertTarget(statement: string): { table: string; queryAt: number } | null {
  const code = blankLiterals(statement);
  const leading = code.length - code.trimStart().length;
  const match = INSERT.exec(code.slice(leading));
  return match ? { table: match[1], queryAt: leading + match[0].length } : null;
}

/** The same statement as an in-place upgrade: `CREATE OR REPLACE ...`. */
export function asCreateOrReplace(statement: string): string {
  const target = deployTarget(statement);
  if (!target || target.orReplace) return statement;
  return `${statement.slice(0, target.afterCreate)} OR REPLACE${statement.slice(target.afterCreate)}`;
}
