import assert from 'node:assert/strict';
import type { CommandApi, CommandContext } from '../../../extension/commands/commandUi';
import { deployFlow, type DeployEditor, type StatementProblem } from '../../../extension/deploy/deployFlow';
import { problemPosition } from '../../../extension/deploy/problemPosition';
import type { DeployRequestInput, DeployResponse } from '../../../protocol/deploy';
import { PauseError } from '../../../protocol/errors';
import { ResourceStore } from '../../../extension/state/resourceStore';
import { FakeUi } from './fakeUi';

const STATEMENT = 'CREATE TABLE T AS SELECT R, COUNT(*) AS N FROM S GROUP BY R;';

/** An agent whose deploy answers are scripted, in order; it records each request. */
function scriptedApi(answers: Array<DeployResponse | PauseError>): { api: CommandApi; requests: DeployRequestInput[] } {
  const requests: DeployRequestInput[] = [];
  const deploy = async (_connection: string, request: DeployRequestInput) => {
    requests.push(request);
    const answer = answers.shift();
    if (!answer) throw new Error('no scripted answer');
    if (answer instanceof PauseError) throw answer;
    return answer;
  };
  return { api: { deploy } as unknown as CommandApi, requests };
}

function recordingEditor(): DeployEditor & { problems: Array<StatementProblem | 'cleared'>; revealed: string[] } {
  const problems: Array<StatementProblem | 'cleared'> = [];
  const revealed: string[] = [];
  return {
    problems,
    revealed,
    showProblem: (problem) => problems.push(problem),
    clearProblem: () => problems.push('cleared'),
    reveal: async (id) => void revealed.push(id),
  };
}

const response = (action: DeployResponse['action'], queryId: string, replacedQueryId: string | null = null): DeployResponse => ({ action, queryId, replacedQueryId, message: `Created query with ID ${queryId}`, resource: null });

describe('deploying a statement from the editor', () => {
  let ui: FakeUi;
  const context = (api: CommandApi): CommandContext => ({ ui, api: () => api, store: new ResourceStore(), now: () => new Date(), dataLossWarningMs: () => 0, openLog: () => undefined });

  beforeEach(() => {
    ui = new FakeUi();
  });

  it('deploys under a progress notification, clears the statement\'s problem, names the query and reveals it', async () => {
    const { api, requests } = scriptedApi([response('upgraded', 'CTAS_T_3')]);
    const editor = recordingEditor();
    const result = await deployFlow(context(api), 'ksql', STATEMENT, editor);
    assert.equal(result?.queryId, 'CTAS_T_3');
    assert.deepEqual(requests, [{ statement: STATEMENT, recreate: false }]);
    assert.deepEqual(ui.of('progress').map((e) => e.text), ['Deploying to ksql']);
    assert.deepEqual(ui.of('info').map((e) => e.text), ['Upgraded ksql/CTAS_T_3 in place (same query id, consumer group and offsets)']);
    assert.deepEqual([editor.problems, editor.revealed], [['cleared'], ['ksql/CTAS_T_3']]);
  });

  it('asks before terminating and recreating, with the server\'s reason, then retries with recreate', async () => {
    const refusal = new PauseError('RecreateRequired', 'ksqlDB cannot upgrade CTAS_T_3 in place: ...', { queryId: 'CTAS_T_3', consequence: 'Its state is dropped and it reprocesses S from the earliest offset.', reason: 'Query is not upgradeable.' });
    const { api, requests } = scriptedApi([refusal, response('recreated', 'CTAS_T_9', 'CTAS_T_3')]);
    ui.confirmWith(true);
    const editor = recordingEditor();
    await deployFlow(context(api), 'ksql', STATEMENT, editor);
    assert.deepEqual(ui.of('confirm').map((e) => [e.text, e.detail]), [['Terminate and recreate CTAS_T_3?', 'Its state is dropped and it reprocesses S from the earliest offset.\n\nksql: Query is not upgradeable.']]);
    assert.deepEqual(requests.map((r) => r.recreate), [false, true]);
    assert.deepEqual(editor.revealed, ['ksql/CTAS_T_9']);
    assert.match(ui.of('info')[0].text, /^Recreated as ksql\/CTAS_T_9, replacing CTAS_T_3/);
  });

  it('changes nothing when the user declines to recreate', async () => {
    const { api, requests } = scriptedApi([new PauseError('RecreateRequired', 'no', { queryId: 'CTAS_T_3', consequence: 'Its state is dropped.', reason: 'no' })]);
    ui.confirmWith(false);
    const editor = recordingEditor();
    assert.equal(await deployFlow(context(api), 'ksql', STATEMENT, editor), undefined);
    assert.equal(requests.length, 1);
    assert.deepEqual([editor.problems, editor.revealed, ui.of('error')], [[], [], []]);
  });

  it('puts a server error on the statement, at ksqlDB\'s line and column when it gave them', async () => {
    const { api } = scriptedApi([new PauseError('BadRequest', "line 2:13: Syntax Error\nexpected FROM near 'FRM' (ksqlDB at http://k)", { line: 2, column: 13 }), new PauseError('BadRequest', 'NOPE does not exist.')]);
    const editor = recordingEditor();
    await deployFlow(context(api), 'ksql', STATEMENT, editor);
    await deployFlow(context(api), 'ksql', STATEMENT, editor);
    assert.deepEqual(editor.problems, [
      { message: "line 2:13: Syntax Error\nexpected FROM near 'FRM' (ksqlDB at http://k)", line: 2, column: 13 },
      { message: 'NOPE does not exist.', line: null, column: null },
    ]);
    assert.deepEqual(ui.of('error').map((e) => e.text), ["Deploy to ksql failed: line 2:13: Syntax Error expected FROM near 'FRM' (ksqlDB at http://k)", 'Deploy to ksql failed: NOPE does not exist.']);
  });

  it('does not blame the statement when the agent cannot be reached', async () => {
    const { api } = scriptedApi([new PauseError('BackendUnavailable', 'cannot reach the agent')]);
    const editor = recordingEditor();
    await deployFlow(context(api), 'ksql', STATEMENT, editor);
    assert.deepEqual(editor.problems, []);
    assert.deepEqual(ui.of('error').map((e) => e.text), ['Deploy to ksql failed: cannot reach the agent']);
  });

  it('keeps a failure up with an action that opens the agent log', async () => {
    const { api } = scriptedApi([new PauseError('BadRequest', 'line 1:1: Syntax Error')]);
    let logsOpened = 0;
    ui.onError('Open Log');
    await deployFlow({ ...context(api), openLog: () => (logsOpened += 1) }, 'ksql', STATEMENT, recordingEditor());
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(ui.of('error').map((e) => e.offered), [['Open Log']]);
    assert.equal(logsOpened, 1);
  });

  it('maps ksqlDB\'s 1-based line:column, counted from the statement, into the document', () => {
    const start = { line: 4, character: 2 };
    assert.deepEqual(problemPosition(start, 1, 8), { line: 4, character: 9 }, 'on the first line, after the statement\'s indent');
    assert.deepEqual(problemPosition(start, 3, 5), { line: 6, character: 4 }, 'on later lines, from the line start');
    assert.equal(problemPosition(start, null, null), null);
    assert.equal(problemPosition(start, 0, 4), null);
  });
});
