import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, connectionKinds } from '../../../agent/backends/registry';
import { ConnectionEntry } from '../../../agent/config/connectionsFile';
import { testConnection } from '../../../agent/core/connectionTest';
import { silentLogger } from '../../../agent/core/logger';
import { candidateOf, ConnectionKind } from '../../../protocol/connections';
import { PauseError } from '../../../protocol/errors';
import { Registry } from 'prom-client';

/** What a user typing the suggested values (or a port for a number) would send, optional fields left empty. */
function exampleAnswers(kind: ConnectionKind): string[] {
  return kind.fields.map((field) => (field.optional ? '' : field.input === 'number' ? '2320' : (field.initial ?? field.placeholder ?? 'x')));
}

describe('agent: what Add Connection asks, by backend', () => {
  it('every backend describes its connection, and the example answers make an entry its schema takes', () => {
    const kinds = connectionKinds();
    assert.deepEqual(kinds.map((k) => k.kind), BACKENDS.map((b) => b.kind));
    for (const kind of kinds) {
      ConnectionKind.parse(kind);
      const answers = exampleAnswers(kind);
      const parsed = ConnectionEntry.safeParse(candidateOf(kind, 'new-one', answers));
      assert.ok(parsed.success, `${kind.kind}: ${parsed.error?.message}`);
      // And every optional answer too: its path is one the schema knows.
      const full = kind.fields.map((field, index) => (field.optional ? (field.input === 'list' ? '127.0.0.1:9092' : field.input === 'url' ? 'http://127.0.0.1:9000' : '72h') : answers[index]));
      const withOptional = ConnectionEntry.safeParse(candidateOf(kind, 'new-one', full));
      assert.ok(withOptional.success, `${kind.kind} with its optional answers: ${withOptional.error?.message}`);
    }
  });

  it("offers Deploy exactly where the backend's adapter can deploy: the declared unit and the method agree", async () => {
    const home = mkdtempSync(join(tmpdir(), 'pp-kinds-'));
    for (const kind of connectionKinds()) {
      const backend = BACKENDS.find((b) => b.kind === kind.kind)!;
      const answers = exampleAnswers(kind);
      const adapter = backend.create(backend.configSchema.parse(candidateOf(kind, 'new-one', answers)), { log: silentLogger(), metrics: new Registry(), role: 'cli', home });
      try {
        assert.equal(adapter.deploy !== undefined, backend.deploys !== undefined, `${kind.kind}: deploys ${backend.deploys ?? 'nothing'}, adapter ${adapter.deploy ? 'has' : 'has no'} deploy`);
      } finally {
        await adapter.close();
      }
    }
  });
});

describe('agent: testing a connection before it is added', () => {
  const home = mkdtempSync(join(tmpdir(), 'pp-conntest-'));
  const deps = { log: silentLogger(), home };
  let server: Server | undefined;
  const held: Socket[] = [];

  afterEach(async () => {
    for (const socket of held.splice(0)) socket.destroy();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('checks the candidate with the connections file\'s schema: a bad one is a BadRequest naming the field', async () => {
    await assert.rejects(testConnection({ connection: { name: 'c', kind: 'kafka-connect', url: 'not a url' } }, deps), (error: PauseError) => error.code === 'BadRequest' && /connection\.url/.test(error.message));
    await assert.rejects(testConnection({ connection: { name: 'bad name', kind: 'kafka-connect', url: 'http://127.0.0.1:1' } }, deps), /1-64 letters/);
    await assert.rejects(testConnection({ connection: { name: 'c', kind: 'no-such-kind' } }, deps), (error: PauseError) => error.code === 'BadRequest');
    await assert.rejects(testConnection({}, deps), (error: PauseError) => error.code === 'BadRequest');
  });

  it('gives up on a service that never answers after its bound, as BackendTimeout', async () => {
    server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    await assert.rejects(testConnection({ connection: { name: 'silent', kind: 'kafka-connect', url } }, { ...deps, timeoutMs: 300 }), (error: PauseError) => error.code === 'BackendTimeout' && /no answer within 0.3s; check the address/.test(error.message));
    assert.ok(Date.now() - started < 5000, 'within the bound, not the REST timeout');
  });
});
