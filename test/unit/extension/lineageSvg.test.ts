import assert from 'node:assert/strict';
import { lineageHtml } from '../../../extension/lineage/lineageHtml';
import { deadlineText, lineageSvg } from '../../../extension/lineage/lineageSvg';
import { pipelineOf } from '../../../protocol/lineage';
import type { Resource } from '../../../protocol/resource';
import { presentationOf } from '../../../protocol/presentation';
import { KINDS, makeResource, NOW, pausedResource } from './fixtures';

const lossIn = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

// input -> Q1 (paused, 40 behind, data lost in 2h 10m) -> mid -> Q2 (running, 0 behind)
const q1 = pausedResource(
  'ksql/Q1',
  { reason: 'deploying <v2> & more' },
  { kind: 'ksqldb-query', backlog: { pending: 40, inFlight: null, oldestPendingAt: null, dataLossAt: lossIn(130 * 60_000) }, lineage: { upstream: [], downstream: [], inputs: ['kafka-topic:input'], outputs: ['kafka-topic:mid'] } },
);
const q2 = makeResource('ksql/Q2', { kind: 'ksqldb-query', backlog: { pending: 0, inFlight: null, oldestPendingAt: null, dataLossAt: null }, lineage: { upstream: [], downstream: [], inputs: ['kafka-topic:mid'], outputs: ['kafka-topic:out'] } });

/** The markup of the node (a <g> up to the next node) with this data-id. */
function nodeOf(svg: string, id: string): string {
  const start = svg.indexOf(`data-id="${id}"`);
  assert.ok(start >= 0, `a node for ${id}`);
  const open = svg.lastIndexOf('<g class="node', start);
  return svg.slice(open, svg.indexOf('<g class="node', start) === -1 ? undefined : svg.indexOf('<g class="node', start));
}

const draw = (resources: Resource[], selected = 'ksql/Q2') => lineageSvg(pipelineOf(resources, selected), { selected, now: NOW, words: (kind) => presentationOf(KINDS, kind) });

describe('lineage picture', () => {
  it('marks the paused node with a class, a "paused" badge and the reason in its tooltip, and not the running one', () => {
    const svg = draw([q1, q2]);
    const paused = nodeOf(svg, 'ksql/Q1');
    assert.match(paused, /^<g class="node resource state-paused paused at-risk"/);
    assert.match(paused, /<g class="badge">.*>paused<\/text><\/g>/);
    assert.match(paused, /<title>[^<]*Reason: deploying &lt;v2&gt; &amp; more[^<]*<\/title>/, 'the reason, escaped');
    assert.match(paused, /Paused by user:alice/);
    const running = nodeOf(svg, 'ksql/Q2');
    assert.match(running, /^<g class="node resource state-running selected"/, 'the selected node is highlighted');
    assert.doesNotMatch(running, /badge|paused/);
    assert.match(running, />ksqlDB query · ksql</);
  });

  it('draws topics as pills between the queries and labels reads with their backlog', () => {
    const svg = draw([q1, q2]);
    for (const topic of ['input', 'mid', 'out']) assert.match(nodeOf(svg, `kafka-topic:${topic}`), new RegExp(`^<g class="node dataset".*rx="40".*>${topic}</text>`));
    assert.match(svg, /<g class="edge behind" data-from="kafka-topic:input" data-to="ksql\/Q1"><path [^>]+\/><text class="edge-label"[^>]*>40 behind<\/text><\/g>/);
    assert.match(svg, /<g class="edge" data-from="kafka-topic:mid" data-to="ksql\/Q2"><path [^>]+\/><text class="edge-label"[^>]*>0 behind<\/text>/);
    assert.match(svg, /<g class="edge" data-from="ksql\/Q1" data-to="kafka-topic:mid"><path [^>]+\/><\/g>/, 'a write has no backlog label');
  });

  it('says when data is lost where the backend knows it, and only there', () => {
    const svg = draw([q1, q2]);
    const at = new Date(Date.parse(lossIn(130 * 60_000))).toISOString().slice(11, 16);
    assert.match(nodeOf(svg, 'ksql/Q1'), new RegExp(`<text class="deadline"[^>]*>data lost in 2h 10m \\(${at}Z\\)</text>`));
    assert.doesNotMatch(nodeOf(svg, 'ksql/Q2'), /deadline/);
    assert.equal(deadlineText({ ...q1, backlog: { ...q1.backlog, dataLossAt: lossIn(-60_000) } }, NOW), `retention passed at ${new Date(NOW.getTime() - 60_000).toISOString().slice(11, 16)}Z`);
  });

  it('wraps the graph in a page that runs only its own nonce script and loads only from the webview origin', () => {
    const html = lineageHtml({ title: 'Pipeline of ksql/<Q2>', svg: '<svg></svg>', nonce: 'abc123', cspSource: 'https://file+.vscode-resource', styleUri: 'https://x/lineage.css', scriptUri: 'https://x/lineage.js' });
    assert.match(html, /content="default-src 'none'; style-src https:\/\/file\+\.vscode-resource; img-src https:\/\/file\+\.vscode-resource; script-src 'nonce-abc123'"/);
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/lineage\.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<h1 id="title">Pipeline of ksql\/&lt;Q2&gt;<\/h1>/);
    assert.match(html, /<div id="graph"><svg><\/svg><\/div>/);
  });
});
