import { z } from 'zod';
import { PauseError } from '../../../protocol/errors';
import { callJson, parseBody, type JsonServer } from '../jsonHttp';
import { faultPosition, flinkErrorMessage } from './flinkErrors';

const Session = z.object({ sessionHandle: z.string() });
const Operation = z.object({ operationHandle: z.string() });
const OperationStatus = z.object({ status: z.string() });
const FirstResult = z.object({ jobID: z.string().optional() }).passthrough();

/** Statuses of an operation that has not ended yet. */
const UNDER_WAY = new Set(['INITIALIZED', 'PENDING', 'RUNNING']);
const STATUS_POLL_MS = 200;
const EXPLAIN = 'EXPLAIN ';

/** One statement of a script, with where it starts in the user's text (1-based line and column). */
export interface ScriptStatement {
  text: string;
  line: number;
  column: number;
}

/**
 * The SQL Gateway's REST API (v1 and later): a script runs in a session of its own, statement by
 * statement, so the tables it declares are there for its INSERT; the session is closed after,
 * while the job it submitted goes on in the cluster.
 */
export class FlinkGateway {
  readonly server: JsonServer;

  constructor(
    url: string,
    timeoutMs: number,
    private readonly statementTimeoutMs: number,
  ) {
    const baseUrl = url.replace(/\/+$/, '');
    this.server = { server: `the Flink SQL Gateway at ${baseUrl}`, baseUrl, timeoutMs, errorMessage: flinkErrorMessage };
  }

  /**
   * Runs the statements in order; the last one's job id (an INSERT's submission) is the answer.
   * A statement Flink refuses is BadRequest with the line and column in the user's text.
   */
  async runScript(statements: ScriptStatement[], executionConfig: Record<string, string>): Promise<string | null> {
    const { sessionHandle } = parseBody(this.server, Session, await callJson(this.server, 'POST', '/v1/sessions', {}), 'POST /v1/sessions');
    const session = `/v1/sessions/${encodeURIComponent(sessionHandle)}`;
    try {
      let jobId: string | null = null;
      for (const statement of statements) jobId = await this.run(session, statement, executionConfig);
      return jobId;
    } finally {
      await callJson(this.server, 'DELETE', session).catch(() => undefined);
    }
  }

  /**
   * Plans a script without submitting it (its INSERT as EXPLAIN), so a script Flink would refuse
   * is refused, with its line and column, before anything running is stopped for it.
   */
  async checkScript(statements: ScriptStatement[]): Promise<void> {
    const insert = statements.at(-1)!;
    // Flink's columns on the INSERT's first line then count the prefix too.
    const explained = { ...insert, text: `${EXPLAIN}${insert.text}`, column: insert.column - EXPLAIN.length };
    await this.runScript([...statements.slice(0, -1), explained], {});
  }

  private async run(session: string, statement: ScriptStatement, executionConfig: Record<string, string>): Promise<string | null> {
    const posted = await callJson(this.server, 'POST', `${session}/statements`, { statement: statement.text, executionConfig });
    const operation = `${session}/operations/${encodeURIComponent(parseBody(this.server, Operation, posted, 'POST statements').operationHandle)}`;
    const deadline = Date.now() + this.statementTimeoutMs;
    let status = 'RUNNING';
    while (UNDER_WAY.has(status)) {
      if (Date.now() > deadline) {
        await callJson(this.server, 'POST', `${operation}/cancel`).catch(() => undefined);
        throw new PauseError('BackendTimeout', `${this.server.server} did not finish the statement on line ${statement.line} within ${this.statementTimeoutMs / 1000} s; it was cancelled`);
      }
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
      status = parseBody(this.server, OperationStatus, await callJson(this.server, 'GET', `${operation}/status`), 'GET operation status').status;
    }
    if (status === 'FINISHED') {
      const result = parseBody(this.server, FirstResult, await callJson(this.server, 'GET', `${operation}/result/0`), 'GET operation result');
      return result.jobID ?? null;
    }
    // The refusal itself comes as the error answer of the result fetch.
    const refusal = await callJson(this.server, 'GET', `${operation}/result/0`).then(
      () => `the statement ended ${status}`,
      (error: Error) => error.message.replace(/^.*? answered \d+: /, ''),
    );
    const position = faultPosition(refusal);
    // Flink counts from the statement's start; the editor wants the place in the whole text.
    const details = position
      ? { line: statement.line + position.line - 1, column: position.line === 1 ? statement.column + position.column - 1 : position.column }
      : { line: statement.line, column: statement.column };
    throw new PauseError('BadRequest', `Flink refused the statement on line ${details.line}: ${refusal}`, details);
  }
}
