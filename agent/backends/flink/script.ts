import { createHash } from 'node:crypto';
import { PauseError } from '../../../protocol/errors';
import { blankLiterals, insertTarget, splitSqlStatements } from '../../../protocol/sqlStatements';
import type { ScriptStatement } from './gateway';

/** A Kafka table a script declares: what lineage and lag need of it. */
export interface KafkaTable {
  topics: string[];
  groupId: string | null;
}

/**
 * A Flink SQL script as deploy takes it and resume submits it again: the statements that set up
 * its session (CREATE TABLE, SET, ...) and last one INSERT INTO, which becomes the job.
 */
export interface FlinkScript {
  statements: ScriptStatement[];
  /** The INSERT's target table, as the job is named after it. */
  target: string;
  /** Kafka topics it reads and writes, and the consumer group its Kafka source commits in. */
  inputs: string[];
  outputs: string[];
  groupIds: string[];
  /** Identifies the text, so a deploy of the same text changes nothing. */
  digest: string;
}

const CREATE_TABLE = /^CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:`[^`]+`|[\w$]+)(?:\s*\.\s*(?:`[^`]+`|[\w$]+))*)/i;
const OPTION = /'((?:[^']|'')*)'\s*=\s*'((?:[^']|'')*)'/g;
const IDENTIFIER = /`([^`]+)`|([A-Za-z_][\w$]*)/g;

/** Reads a script; refuses (BadRequest, nothing run) what resume could not submit again as it was. */
export function parseScript(source: string): FlinkScript {
  const parts = splitSqlStatements(source);
  if (!parts.length) throw new PauseError('BadRequest', 'the Flink SQL text is empty');
  const statements = parts.map((part) => ({ ...positionOf(source, part.start), text: part.text.replace(/;\s*$/, '') }));
  const code = parts.map((part) => blankLiterals(part.text).trim());
  const inserts = code.map((text, index) => (insertTarget(text) ? index : -1)).filter((index) => index >= 0);
  if (/^EXECUTE\s+STATEMENT\s+SET\b|^BEGIN\s+STATEMENT\s+SET\b/im.test(code.join('\n'))) {
    throw new PauseError('BadRequest', 'statement sets (EXECUTE STATEMENT SET) are not supported yet: deploy one INSERT INTO per job; nothing was run');
  }
  if (inserts.length !== 1 || inserts[0] !== parts.length - 1) {
    const line = inserts.length > 1 ? statements[inserts[1]].line : statements.at(-1)!.line;
    throw new PauseError('BadRequest', `a Flink job is deployed from one script: the tables it needs, then exactly one INSERT INTO as its last statement (this text has ${inserts.length}); nothing was run`, { line, column: 1 });
  }
  const tables = new Map<string, KafkaTable>();
  code.forEach((text, index) => {
    const created = CREATE_TABLE.exec(text);
    if (created) tables.set(lastPart(created[1]), kafkaTable(parts[index].text));
  });
  const insert = code.at(-1)!;
  const { table, queryAt } = insertTarget(insert)!;
  const target = lastPart(table);
  const query = insert.slice(queryAt);
  const read = new Set([...query.matchAll(IDENTIFIER)].map((match) => match[1] ?? match[2]).filter((name) => name !== target && tables.has(name)));
  const sources = [...read].map((name) => tables.get(name)!);
  return {
    statements,
    target,
    inputs: unique(sources.flatMap((table) => table.topics)),
    outputs: unique(tables.get(target)?.topics ?? []),
    groupIds: unique(sources.map((table) => table.groupId).filter((id): id is string => id !== null)),
    digest: createHash('sha256').update(source.trim()).digest('hex').slice(0, 16),
  };
}

/** A table's Kafka facts from its WITH options; none for other connectors. */
function kafkaTable(statement: string): KafkaTable {
  const code = blankLiterals(statement);
  const withAt = code.search(/\bWITH\s*\(/i);
  if (withAt < 0) return { topics: [], groupId: null };
  const options = new Map([...statement.slice(withAt).matchAll(OPTION)].map((match) => [unquote(match[1]).toLowerCase(), unquote(match[2])]));
  if (!['kafka', 'upsert-kafka'].includes(options.get('connector') ?? '')) return { topics: [], groupId: null };
  // 'topic' may list several topics separated by ';'.
  const topics = (options.get('topic') ?? '').split(';').map((topic) => topic.trim()).filter(Boolean);
  return { topics, groupId: options.get('properties.group.id') ?? null };
}

function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** `cat`.`db`.`orders` and orders name the same table within one script's session. */
function lastPart(name: string): string {
  const last = [...name.matchAll(IDENTIFIER)].at(-1)!;
  return last[1] ?? last[2];
}

function unquote(text: string): string {
  return text.replace(/''/g, "'");
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
