import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..');

/** The boundaries rule's findings for a file that would sit at `path` with this text. */
async function layerErrors(path: string, text: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: ROOT }).lintText(text, { filePath: join(ROOT, path) });
  return result.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

describe('the layers, as lint enforces them', function () {
  this.timeout(60_000);

  it('fails a wrong-way import: the shared model reaching into the agent, a client into the agent', async () => {
    assert.deepEqual(await layerErrors('protocol/probe.ts', "import { startAgent } from '../agent/main';\nexport const probe = startAgent;\n"), [
      'There is no policy allowing dependencies from elements of type "protocol" to elements of type "agent"',
    ]);
    assert.equal((await layerErrors('extension/commands/probe.ts', "import { startAgent } from '../../agent/main';\nexport const probe = startAgent;\n")).length, 1);
    assert.equal((await layerErrors('buquet/probe.ts', "import { AgentClient } from '../client/agentClient';\nexport const probe = AgentClient;\n")).length, 1);
    assert.equal((await layerErrors('extension/commands/probe.ts', "import { run } from '../../cli/main';\nexport const probe = run;\n")).length, 1, 'the editor does not reach into the CLI');
  });

  it("passes the ways the layers allow, and the extension's own agent/ folder is the extension", async () => {
    assert.deepEqual(await layerErrors('agent/core/probe.ts', "import { PauseError } from '../../protocol/errors';\nexport const probe = PauseError;\n"), []);
    assert.deepEqual(await layerErrors('extension/tree/probe.ts', "import type { AgentSession } from '../agent/agentSession';\nexport type Probe = AgentSession;\n"), []);
    assert.deepEqual(await layerErrors('extension/commands/probe.ts', "import { formatStatus } from '../../format/resourceText';\nexport const probe = formatStatus;\n"), [], 'both clients print the shared text');
  });
});
