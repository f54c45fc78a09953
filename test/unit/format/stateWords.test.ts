import assert from 'node:assert/strict';
import { formatList, formatPaused, formatResumed, formatWorkers } from '../../../format/resourceText';
import { stateHeadline, stateWords } from '../../../format/stateWords';
import { ResourceState } from '../../../protocol/resource';
import { resourceTooltip } from '../../../extension/tree/resourceTooltip';
import { KINDS, makePause, makeResource, NOW, rowOf, statusText } from '../extension/fixtures';
import { presentationOf } from '../../../protocol/presentation';

const STATES = ResourceState.options;
/** Every way a state could be misspelt: the wire form, and each other state's words. */
const wireForms = (state: ResourceState) => [state, state.toUpperCase()].filter((form) => form.includes('-'));

describe('format/stateWords: one spelling of each state', () => {
  it('gives every state its own words, without the wire form\'s hyphen', () => {
    const words = STATES.map(stateWords);
    assert.equal(new Set(words).size, STATES.length, 'no two states read the same');
    for (const [i, state] of STATES.entries()) {
      assert.match(words[i], /^[a-z]+( [a-z]+)*$/, state);
      assert.equal(stateHeadline(state), words[i].toUpperCase());
    }
    assert.equal(stateWords('partially-paused'), 'partially paused');
  });

  for (const state of STATES) {
    it(`every command and view spells "${state}" as "${stateWords(state)}"`, () => {
      const resource = makeResource('q/a', { state, stateDetail: null });
      const headline = stateHeadline(state);
      const outputs: Array<[string, string, string]> = [
        ['list', formatList({ agent: { version: '0', pid: 1, startedAt: NOW.toISOString() }, kinds: KINDS, connections: [], resources: [resource], configError: null }, NOW), headline],
        ['status', statusText(resource), `Status: ${headline}`],
        ['workers', formatWorkers(resource, NOW), `Queue Status: ${headline}`],
        ['resume', formatResumed(resource, null), `now ${stateWords(state)}`],
        ['tree row', rowOf(resource).description, stateWords(state)],
        ['tooltip', resourceTooltip(resource, presentationOf(KINDS, resource.kind), NOW), `State: **${stateWords(state)}**`],
      ];
      if (!['paused', 'stopped'].includes(state)) outputs.push(['pause', formatPaused(resource, makePause(), null, NOW), `Status: ${headline}`]);
      for (const [command, text, expected] of outputs) {
        assert.ok(text.includes(expected), `${command} shows "${expected}":\n${text}`);
        for (const wrong of wireForms(state)) assert.ok(!text.includes(wrong), `${command} never shows the wire form "${wrong}":\n${text}`);
      }
    });
  }
});
