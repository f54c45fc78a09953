import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { findAgent } from '../../../../client/discovery';
import { agentPaths } from '../../../../protocol/paths';
import { Command } from '../../../../extension/constants';
import { waitFor } from '../../../support/waitFor';

// Runs inside a real VS Code (see .vscode-test.mjs); the unit suite does not load *.desktop.ts.
describe('the extension in desktop VS Code', () => {
  const paths = agentPaths();

  after(async () => {
    const agent = await findAgent(paths);
    await agent?.client.shutdown();
  });

  it('activates and registers every command', async () => {
    const extension = vscode.extensions.getExtension('pipeline-pause.pipeline-pause');
    assert.ok(extension, 'the extension is installed for the test run');
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of Object.values(Command)) assert.ok(commands.includes(id), `${id} is registered`);
  });

  it('starts an agent in PIPELINE_PAUSE_HOME on activation', async () => {
    const agent = await waitFor(`an agent to answer for ${paths.agentInfo}`, async () => (await findAgent(paths)) ?? undefined, 30_000, 250);
    assert.ok(agent);
  });
});
