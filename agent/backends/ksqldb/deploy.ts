import type { Logger } from 'pino';
import { PauseError, type ErrorDetails } from '../../../protocol/errors';
import { asCreateOrReplace, deployTarget, splitSqlStatements, type DeployTarget } from '../../../protocol/sqlStatements';
import type { DeployOptions, DeployOutcome } from '../types';
import { KsqlServerError } from './rest';
import type { CommandStatus, QueryDescription } from './wire';

/** What a deploy needs of the adapter: the persistent queries, and statements run to completion. */
export interface DeploySession {
  queries(): Promise<QueryDescription[]>;
  /** Runs one statement until applied; a refusal is thrown as the server's KsqlServerError. */
  submit(statement: string, streamsProperties: Record<string, string>): Promise<CommandStatus>;
}

/** ksqlDB's default is `latest`: a query created by a deploy reads its whole source instead. */
export const FROM_EARLIEST = { 'ksql.streams.auto.offset.reset': 'earliest' };

/** How ksqlDB words a CREATE OR REPLACE it cannot apply in place (DataSource.canUpgradeTo, ExecutionStep.validateUpgrade). */
const NOT_UPGRADEABLE = /Cannot upgrade data source|Query is not upgradeable|Upgrades not yet supported for/i;
const POSITION = /^line (\d+):(\d+):/;
const OR_REPLACE = ' OR REPLACE';

/**
 * Deploys one `CREATE STREAM|TABLE x ... AS SELECT`. A query that already writes x is upgraded
 * in place (`CREATE OR REPLACE`: same query id, consumer group and offsets). When ksqlDB refuses
 * that as incompatible, the answer is RecreateRequired unless the user has consented; then the
 * old query is terminated, x dropped (its topic kept) and the statement run again reading its
 * source from the earliest offset. Every refusal before that last step leaves the server as it was.
 */
export async function deployStatement(session: DeploySession, text: string, options: DeployOptions, log: Logger): Promise<DeployOutcome> {
  const statements = splitSqlStatements(text);
  if (statements.length !== 1) throw new PauseError('BadRequest', `deploy runs exactly one statement; the text holds ${statements.length}`);
  const statement = statements[0].text;
  const target = deployTarget(statement);
  if (!target) throw new PauseError('BadRequest', `deploy runs CREATE STREAM|TABLE ... AS SELECT statements only, not "${firstWords(statement)}"; nothing was changed`);

  const queries = await session.queries();
  const writers = queries.filter((q) => q.sinks.includes(target.name));
  if (writers.length > 1) throw new PauseError('Conflict', `${target.name} is written by several queries (${writers.map((q) => q.id).join(', ')}); deploy replaces one query only, so nothing was changed`);
  const old = writers[0];
  if (!old) {
    const status = await run(session, statement, FROM_EARLIEST, target);
    return done(log, { action: 'created', queryId: queryIdOf(status), replacedQueryId: null, message: status.message }, statement);
  }

  const upgrade = asCreateOrReplace(statement);
  try {
    const status = await session.submit(upgrade, {});
    return done(log, { action: 'upgraded', queryId: status.queryId || old.id, replacedQueryId: null, message: status.message }, statement);
  } catch (error) {
    if (!(error instanceof KsqlServerError && error.httpStatus < 500 && NOT_UPGRADEABLE.test(error.message))) throw refusal(error, target, upgrade !== statement);
    const sources = old.sources.join(', ');
    if (!options.recreate) {
      throw new PauseError('RecreateRequired', `ksqlDB cannot upgrade ${old.id} in place: ${error.message}`, { queryId: old.id, reason: error.message, consequence: `Its state is dropped and it reprocesses ${sources || 'its source'} from the earliest offset.` });
    }
  }
  return recreate(session, statement, target, old, queries, log);
}

async function recreate(session: DeploySession, statement: string, target: DeployTarget, old: QueryDescription, queries: QueryDescription[], log: Logger): Promise<DeployOutcome> {
  const readers = queries.filter((q) => q.id !== old.id && q.sources.includes(target.name)).map((q) => q.id);
  if (readers.length) {
    throw new PauseError('Conflict', `cannot recreate ${old.id}: ${target.name} is read by ${readers.join(', ')}, and ksqlDB drops a stream or table only when no query uses it; nothing was changed`);
  }
  const what = old.id.startsWith('CTAS_') ? 'TABLE' : 'STREAM';
  await run(session, `TERMINATE ${old.id};`, {}, target);
  let status: CommandStatus;
  try {
    await run(session, `DROP ${what} ${quoted(target.name)};`, {}, target);
    status = await run(session, statement, FROM_EARLIEST, target);
  } catch (error) {
    const reason = (error as Error).message;
    log.error({ statement, replacedQueryId: old.id, restore: old.statementText, err: reason }, 'deploy: the old query was terminated, recreating it failed');
    throw new PauseError(
      'BackendError',
      `${old.id} was terminated, but recreating ${target.name} failed: ${reason}. To restore the old query, run: ${old.statementText}`,
      { replacedQueryId: old.id, restore: old.statementText },
    );
  }
  return done(log, { action: 'recreated', queryId: queryIdOf(status), replacedQueryId: old.id, message: status.message }, statement);
}

async function run(session: DeploySession, statement: string, properties: Record<string, string>, target: DeployTarget): Promise<CommandStatus> {
  try {
    return await session.submit(statement, properties);
  } catch (error) {
    throw refusal(error, target, false);
  }
}

/**
 * The server's own words. A statement it refused (4xx) changed nothing and is the user's to fix:
 * BadRequest, with ksqlDB's line:column when it gives one, in the user's text (before OR REPLACE was added).
 */
function refusal(error: unknown, target: DeployTarget, rewritten: boolean): PauseError {
  if (error instanceof PauseError) return error;
  if (!(error instanceof KsqlServerError)) return new PauseError('BackendError', `ksqlDB: ${(error as Error).message}`);
  const message = `${error.message} (ksqlDB at ${error.server})`;
  if (error.httpStatus >= 500 || error.httpStatus === 401 || error.httpStatus === 403) return new PauseError('BackendError', message);
  const details: ErrorDetails = {};
  const position = POSITION.exec(error.message);
  if (position) {
    const line = Number(position[1]);
    const column = Number(position[2]);
    const shifted = rewritten && line === 1 && column > target.afterCreate + OR_REPLACE.length;
    Object.assign(details, { line, column: shifted ? column - OR_REPLACE.length : column });
  }
  return new PauseError('BadRequest', message, details);
}

function done(log: Logger, outcome: DeployOutcome, statement: string): DeployOutcome {
  log.info({ statement, ...outcome }, 'deployed');
  return outcome;
}

function queryIdOf(status: CommandStatus): string {
  const id = status.queryId || /Created query with ID (\S+)/.exec(status.message)?.[1];
  if (!id) throw new PauseError('BackendError', `ksqlDB applied the statement but named no query (${status.message})`);
  return id;
}

function quoted(name: string): string {
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : `\`${name}\``;
}

function firstWords(statement: string): string {
  const words = statement.trim().split(/\s+/).slice(0, 3).join(' ');
  return words.length > 40 ? `${words.slice(0, 40)}...` : words;
}
