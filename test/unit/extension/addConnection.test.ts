import assert from 'node:assert/strict';
import { addConnectionCommand, type ConnectionsFileAccess } from '../../../extension/commands/addConnectionCommand';
import type { CommandApi, CommandContext } from '../../../extension/commands/commandUi';
import { nameProblem, suggestedName } from '../../../extension/commands/connectionPrompts';
import { RETRY } from '../../../extension/commands/runAction';
import { ResourceStore } from '../../../extension/state/resourceStore';
import { candidateOf, type ConnectionCandidate, type ConnectionKind, type TestConnectionResponse } from '../../../protocol/connections';
import { PauseError } from '../../../protocol/errors';
import { FakeUi } from './fakeUi';

/** Two kinds as an agent would describe them (the extension knows none of its own). */
const QUEUE: ConnectionKind = {
  kind: 'queue-kind',
  title: 'Queue',
  detail: 'Buckets of queues.',
  fields: [
    { path: ['buckets'], input: 'list', label: 'Buckets', prompt: 'comma-separated', optional: false },
    { path: ['endpoint'], input: 'url', label: 'Endpoint', prompt: 'optional', placeholder: 'http://127.0.0.1:9000', optional: true },
    { path: ['profile'], input: 'text', label: 'Profile', prompt: 'optional', optional: true },
  ],
};
const REST: ConnectionKind = {
  kind: 'rest-kind',
  title: 'REST service',
  detail: 'Over HTTP.',
  fields: [
    { path: ['url'], input: 'url', label: 'URL', prompt: 'its REST URL', initial: 'http://127.0.0.1:8083', optional: false },
    { path: ['kafka', 'brokers'], input: 'list', label: 'Brokers', prompt: 'optional', optional: true },
    { path: ['port'], input: 'number', label: 'Port', prompt: 'a port', optional: true },
  ],
};

describe('Add Connection: answers become a connection entry', () => {
  it('puts each answer at its path, splits lists, reads numbers, and leaves out empty optional answers', () => {
    assert.deepEqual(candidateOf(QUEUE, 'q', [' a-bucket, b-bucket  c-bucket ', '', '  dev ']), { name: 'q', kind: 'queue-kind', buckets: ['a-bucket', 'b-bucket', 'c-bucket'], profile: 'dev' });
    assert.deepEqual(candidateOf(REST, 'r', ['http://h:8083', '127.0.0.1:9092,h2:9092', '2320']), { name: 'r', kind: 'rest-kind', url: 'http://h:8083', kafka: { brokers: ['127.0.0.1:9092', 'h2:9092'] }, port: 2320 });
    assert.deepEqual(candidateOf(REST, 'r', ['http://h:8083', ' ', '']), { name: 'r', kind: 'rest-kind', url: 'http://h:8083' });
  });

  it('names: the agent\'s rule for connection names, and none taken twice', () => {
    const taken = new Set(['local', 'rest-kind']);
    assert.equal(nameProblem('orders_2.eu-west', taken), undefined);
    assert.match(nameProblem('has space', taken) ?? '', /1-64 letters, digits, "_", "\." or "-"/);
    assert.match(nameProblem('', taken) ?? '', /1-64 letters/);
    assert.match(nameProblem('x'.repeat(65), taken) ?? '', /1-64 letters/);
    assert.match(nameProblem('local', taken) ?? '', /a connection named "local" exists already/);
    assert.equal(suggestedName('queue-kind', taken), 'queue-kind');
    assert.equal(suggestedName('rest-kind', new Set(['rest-kind', 'rest-kind-2'])), 'rest-kind-3');
  });
});

/** The agent as Add Connection uses it: the kinds, and a test that answers as scripted. */
class FakeSetup {
  readonly tested: ConnectionCandidate[] = [];
  constructor(private readonly outcomes: Array<TestConnectionResponse | PauseError>) {}
  connectionKinds = async () => [QUEUE, REST];
  testConnection = async ({ connection }: { connection: ConnectionCandidate }) => {
    this.tested.push(connection);
    const outcome = this.outcomes.shift() ?? new PauseError('Internal', 'unscripted test');
    if (outcome instanceof PauseError) throw outcome;
    return outcome;
  };
}

class FakeFile implements ConnectionsFileAccess {
  appended: ConnectionCandidate[] = [];
  dirty = false;
  constructor(private text: string | null) {}
  read = async () => this.text;
  append = async (connection: ConnectionCandidate) => {
    this.appended.push(connection);
  };
  /** Dirty once: the user saves the file after the first refusal. */
  blocked = () => {
    const dirty = this.dirty;
    this.dirty = false;
    return dirty ? 'unsaved changes' : null;
  };
}

describe('Add Connection: the command', () => {
  let ui: FakeUi;
  let file: FakeFile;
  let setup: FakeSetup;
  const ctx = (): CommandContext => ({ ui, api: () => setup as unknown as CommandApi, store: new ResourceStore(), now: () => new Date(), dataLossWarningMs: () => 0, openLog: () => undefined });
  const OK: TestConnectionResponse = { ok: true, resources: 2, problems: [] };

  beforeEach(() => {
    ui = new FakeUi();
    file = new FakeFile('{"connections": [{"name": "local", "kind": "queue-kind", "buckets": ["x"]}]}');
  });

  it('offers the agent\'s kinds, asks that kind\'s questions and a name, tests, then appends what was tested', async () => {
    setup = new FakeSetup([OK]);
    ui.pick('REST service').type('http://127.0.0.1:18083', '', '', 'rest');
    await addConnectionCommand(ctx(), file);
    assert.deepEqual(ui.of('pick')[0].offered, ['Queue', 'REST service']);
    assert.deepEqual(ui.of('input').map((e) => e.detail), ['http://127.0.0.1:8083', undefined, undefined, 'rest-kind'], 'the URL starts at the usual local one; the name at the kind');
    assert.deepEqual(setup.tested, [{ name: 'rest', kind: 'rest-kind', url: 'http://127.0.0.1:18083' }]);
    assert.deepEqual(file.appended, setup.tested);
    assert.deepEqual(ui.of('progress').map((e) => e.text), ['Testing connection "rest"...']);
    assert.match(ui.of('info')[0].text, /^Added connection "rest" \(2 resources found\)/);
  });

  it('refuses in the box a name the file has, a bad name, a missing answer and a URL that is none', async () => {
    setup = new FakeSetup([OK]);
    ui.pick('Queue').type('', 'q-bucket', 'not a url', '', '', 'local', 'bad name', 'orders');
    await addConnectionCommand(ctx(), file);
    assert.deepEqual(
      ui.of('invalid').map((e) => e.detail),
      ['Buckets is needed', 'an absolute URL, e.g. http://127.0.0.1:9000', 'a connection named "local" exists already; choose another name', 'a connection name is 1-64 letters, digits, "_", "." or "-"'],
    );
    assert.deepEqual(file.appended, [{ name: 'orders', kind: 'queue-kind', buckets: ['q-bucket'] }]);
  });

  it('a refused test writes nothing and says why; Retry asks again with every answer kept', async () => {
    setup = new FakeSetup([new PauseError('BackendUnavailable', 'cannot reach Kafka Connect at http://127.0.0.1:1 (connect ECONNREFUSED).'), OK]);
    ui.pick('REST service').type('http://127.0.0.1:1', '', '', 'rest');
    ui.onError(RETRY);
    // The retry: the kind is kept, each box starts with the earlier answer; the URL is fixed.
    ui.type('http://127.0.0.1:18083', '', '', 'rest');
    await addConnectionCommand(ctx(), file);
    const [error] = ui.of('error');
    assert.equal(error.text, 'Connection "rest" was not added: cannot reach Kafka Connect at http://127.0.0.1:1 (connect ECONNREFUSED). Nothing was written to the connections file; Retry to change the answers.');
    assert.deepEqual(error.offered, [RETRY]);
    assert.equal(ui.of('pick').length, 1, 'the kind is not asked again');
    assert.deepEqual(ui.of('input').slice(4).map((e) => e.detail), ['http://127.0.0.1:1', '', '', 'rest']);
    assert.deepEqual(file.appended, [{ name: 'rest', kind: 'rest-kind', url: 'http://127.0.0.1:18083' }], 'only the connection that tested fine');
  });

  it('a refused test that the user does not retry ends with nothing written', async () => {
    setup = new FakeSetup([new PauseError('BackendUnavailable', 'cannot reach Kafka Connect at http://127.0.0.1:1 (ECONNREFUSED); is it running?')]);
    ui.pick('REST service').type('http://127.0.0.1:1', '', '', 'rest');
    ui.onError(undefined);
    await addConnectionCommand(ctx(), file);
    assert.equal(ui.of('error')[0]?.text, 'Connection "rest" was not added: cannot reach Kafka Connect at http://127.0.0.1:1 (ECONNREFUSED); is it running? Nothing was written to the connections file; Retry to change the answers.');
    assert.deepEqual(file.appended, []);
    assert.equal(ui.of('info').length, 0);
  });

  it('does not write under unsaved edits of the file, and names the resources with trouble of their own', async () => {
    setup = new FakeSetup([OK, { ok: true, resources: 1, problems: ['gone-bucket: no such bucket'] }]);
    file.dirty = true;
    ui.pick('Queue').type('q-bucket', '', '', 'orders');
    ui.onError(RETRY);
    ui.type('q-bucket', '', '', 'orders');
    await addConnectionCommand(ctx(), file);
    assert.equal(ui.of('error')[0]?.text, 'Connection "orders" tested fine but was not added: unsaved changes.');
    assert.deepEqual(file.appended, [{ name: 'orders', kind: 'queue-kind', buckets: ['q-bucket'] }], 'written once, after the save');
    assert.equal(ui.of('info')[0]?.text, 'Added connection "orders" (1 resource found); it shows in the Pipelines view in a moment. Some need a look: gone-bucket: no such bucket.');
  });

  it('cancelling anywhere tests and writes nothing', async () => {
    setup = new FakeSetup([]);
    ui.pick('Queue').type('q-bucket', undefined);
    await addConnectionCommand(ctx(), file);
    assert.deepEqual(setup.tested, []);
    assert.deepEqual(file.appended, []);
  });
});
