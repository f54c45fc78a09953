import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, ContextKey, ItemToken, PEEK_SCHEME, VIEW_ID } from '../../../extension/constants';
import { agentDownItem, connectionItem } from '../../../extension/tree/resourceItemModel';
import { makeConnection, makePause, makeResource, minutesFromNow, NOW, pausedResource, rowOf } from './fixtures';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const itemMenu: MenuEntry[] = manifest.contributes.menus['view/item/context'];

/** Evaluates the two kinds of clause our item menus use: `view == X` and `viewItem =~ /re/`. */
function shows(entry: MenuEntry, contextValue: string): boolean {
  return (entry.when ?? '').split('&&').every((clause) => {
    const view = /^\s*view == (\S+)\s*$/.exec(clause);
    if (view) return view[1] === VIEW_ID;
    const item = /^\s*viewItem =~ \/(.+)\/\s*$/.exec(clause);
    if (item) return new RegExp(item[1]).test(contextValue);
    throw new Error(`unexpected clause "${clause}"`);
  });
}

const inline = (contextValue: string) =>
  itemMenu
    .filter((e) => e.group?.startsWith('inline') && shows(e, contextValue))
    .sort((a, b) => a.group!.localeCompare(b.group!))
    .map((e) => e.command);
const contextMenu = (contextValue: string) => itemMenu.filter((e) => !e.group?.startsWith('inline') && shows(e, contextValue)).map((e) => e.command);

describe('package.json contributions', () => {
  it('contributes exactly the commands the code registers, each with category and codicon', () => {
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Command).sort());
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Pipeline Pause');
      assert.match(command.icon, /^\$\([a-z-]+\)$/);
    }
  });

  it('shows inline Pause on running rows and inline Resume on paused rows', () => {
    assert.deepEqual(inline(rowOf(makeResource('q/a'), NOW).contextValue), [Command.pause]);
    assert.deepEqual(inline(rowOf(pausedResource('q/a'), NOW).contextValue), [Command.resume]);
    assert.deepEqual(inline(rowOf(pausedResource('q/a', { resumeAt: minutesFromNow(25) }), NOW).contextValue), [Command.resume]);
    assert.deepEqual(inline(rowOf(makeResource('q/a', { state: 'pausing' }), NOW).contextValue), [], 'nothing to click while in between');
  });

  it('offers the pause variants, scoped resume and status in the row context menu', () => {
    assert.deepEqual(contextMenu(rowOf(makeResource('q/a'), NOW).contextValue), [Command.pause, Command.pauseWithReason, Command.pauseFor, Command.showStatus, Command.showLineage]);
    const scoped = makeResource('q/a', { state: 'partially-paused', scopedPauses: [{ scope: { type: 'shard', value: 'a' }, pause: makePause() }] });
    assert.ok(contextMenu(rowOf(scoped, NOW).contextValue).includes(Command.resumeScope));
  });

  it('offers Peek (inline eye and context menu) only on rows that write to a Kafka topic', () => {
    const lineage = { upstream: [], downstream: [], inputs: ['kafka-topic:orders'], outputs: ['kafka-topic:big'] };
    const query = rowOf(makeResource('ksql/Q1', { kind: 'ksqldb-query', lineage }), NOW).contextValue;
    assert.deepEqual(inline(query), [Command.pause, Command.peek]);
    assert.ok(contextMenu(query).includes(Command.peek));
    const sink = rowOf(makeResource('connect/sink', { kind: 'kafka-connect', lineage: { ...lineage, outputs: [] } }), NOW).contextValue;
    assert.ok(!inline(sink).includes(Command.peek) && !contextMenu(sink).includes(Command.peek), 'a sink writes no topic');
  });

  it('puts Refresh Peek in the title of peek documents only', () => {
    const title: MenuEntry[] = manifest.contributes.menus['editor/title'];
    assert.deepEqual(title.find((e) => e.command === Command.refreshPeek)?.when, `resourceScheme == ${PEEK_SCHEME}`);
    const palette: MenuEntry[] = manifest.contributes.menus.commandPalette;
    assert.equal(palette.find((e) => e.command === Command.refreshPeek)?.when, `resourceScheme == ${PEEK_SCHEME}`);
  });

  it('offers Pause All / Resume All on connection rows by what they hold, and nothing resource-only', () => {
    const connection = connectionItem(makeConnection('orders'), [makeResource('orders/a'), pausedResource('orders/b')]).contextValue;
    assert.deepEqual(inline(connection), [Command.pauseAllInConnection, Command.resumeAll]);
    assert.ok(!contextMenu(connection).includes(Command.showStatus));
  });

  it('hides item-only commands from the palette and gates agent commands on the connection', () => {
    const palette: MenuEntry[] = manifest.contributes.menus.commandPalette;
    assert.equal(palette.find((e) => e.command === Command.resumeScope)?.when, 'false');
    assert.equal(palette.find((e) => e.command === Command.pause)?.when, `${ContextKey.agentState} == connected`);
    assert.equal(palette.find((e) => e.command === Command.startAgent)?.when, `${ContextKey.agentState} != connected`);
  });

  it('uses only known tokens and context keys in when clauses', () => {
    const known = new Set<string>([...Object.values(ItemToken), ...Object.values(ContextKey)]);
    const whens: string[] = [
      ...Object.values(manifest.contributes.menus as Record<string, MenuEntry[]>).flat().map((e) => e.when ?? ''),
      ...manifest.contributes.viewsWelcome.map((w: { when: string }) => w.when),
    ];
    for (const when of whens) {
      for (const name of when.replace(/\\b/g, '').replace(/\\\./g, '.').match(/pipelinePause\.[A-Za-z.]+[A-Za-z]/g) ?? []) {
        if (name === VIEW_ID) continue;
        assert.ok(known.has(name), `"${name}" in "${when}" is defined in extension/constants.ts`);
      }
    }
  });

  it('has welcome content for starting and no connections; an unreachable agent is a row with Start Agent', () => {
    const whens = manifest.contributes.viewsWelcome.map((w: { when: string }) => w.when);
    assert.deepEqual(whens, [`${ContextKey.agentState} == starting`, `${ContextKey.agentState} == connected && !${ContextKey.hasConnections}`]);
    assert.match(manifest.contributes.viewsWelcome[1].contents, /command:pipelinePause\.addConnection/);
    assert.match(manifest.contributes.viewsWelcome[1].contents, /command:pipelinePause\.openConnectionsFile/);
    assert.deepEqual(inline(agentDownItem('no agent').contextValue), [Command.startAgent, Command.showAgentLog]);
    assert.deepEqual(inline(rowOf(makeResource('q/a'), NOW).contextValue).includes(Command.startAgent), false);
  });

  it('offers Add Connection in the view title and the palette once the agent is connected', () => {
    const title: MenuEntry[] = manifest.contributes.menus['view/title'];
    assert.equal(title.find((e) => e.command === Command.addConnection)?.when, `view == ${VIEW_ID} && ${ContextKey.agentState} == connected`);
    const palette: MenuEntry[] = manifest.contributes.menus.commandPalette;
    assert.equal(palette.find((e) => e.command === Command.addConnection)?.when, `${ContextKey.agentState} == connected`);
  });

  it('links only commands that exist from the welcome view and the walkthrough, and ships its media', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    const steps: Array<{ description: string; media: { markdown: string }; completionEvents: string[] }> = walkthrough.steps;
    const texts = [...manifest.contributes.viewsWelcome.map((w: { contents: string }) => w.contents), ...steps.map((s) => s.description)];
    const commands = new Set([...Object.values(Command), 'workbench.view.extension.pipelinePause']);
    for (const linked of texts.join('\n').match(/command:[\w.]+/g) ?? []) assert.ok(commands.has(linked.slice('command:'.length)), `${linked} is a command`);
    for (const step of steps) {
      assert.ok(existsSync(join(root, step.media.markdown)), `${step.media.markdown} exists`);
      assert.ok(step.media.markdown.startsWith('media/'), 'media/ is packaged (.vscodeignore)');
      for (const event of step.completionEvents) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) assert.ok(commands.has(command), `${event} names a command`);
      }
    }
  });

  it('validates connections files against the shipped schema and ships what it references', () => {
    const [validation] = manifest.contributes.jsonValidation;
    assert.deepEqual(validation.fileMatch, ['**/.pipeline-pause/connections.json', '**/pipeline-pause.connections.json']);
    for (const file of [validation.url, manifest.icon, manifest.contributes.viewsContainers.activitybar[0].icon]) {
      assert.ok(existsSync(join(root, file)), `${file} exists`);
    }
  });
  it('offers Pause Upstream where something feeds the row, Resume Upstream where a group holds its inputs, and Resume on group rows', () => {
    const fed = rowOf(makeResource('q/a'), NOW, undefined, { hasUpstream: true, upstreamPaused: false }).contextValue;
    assert.ok(contextMenu(fed).includes(Command.pauseUpstream));
    assert.ok(!contextMenu(rowOf(makeResource('q/a'), NOW).contextValue).includes(Command.pauseUpstream), 'nothing upstream, nothing to offer');
    const held = rowOf(makeResource('q/a'), NOW, undefined, { hasUpstream: true, upstreamPaused: true }).contextValue;
    assert.deepEqual(inline(held), [Command.pause, Command.resumeUpstream]);
    assert.deepEqual(inline(ItemToken.pauseGroup), [Command.resumeGroup]);
  });
});
