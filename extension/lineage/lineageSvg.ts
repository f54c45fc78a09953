import type { LineageEdge, LineageGraph, LineageNode } from '../../protocol/lineage';
import { displayName, type Resource } from '../../protocol/resource';
import { isHeld, isPaused } from '../state/resourcePredicates';
import { timeLeft } from '../text/timeLeft';
import type { KindPresentation } from '../../protocol/presentation';
import { layeredLayout, NODE_HEIGHT, NODE_WIDTH, type Placed } from './layout';
import { stateWords } from '../../format/stateWords';

/**
 * The lineage picture as SVG markup: resource nodes as boxes (name, kind, state; paused ones
 * classed and badged, the pause reason in their tooltip; the data-loss deadline when known),
 * topics as pills, edges labelled with the backlog of the read. Colors come from CSS classes
 * (media/lineage.css) bound to the editor's theme variables, so nothing here names a color.
 */
export interface LineageSvgOptions {
  selected: string | null;
  now: Date;
  /** How the agent's backends word each kind of resource. */
  words: (kind: string) => KindPresentation;
}

export function lineageSvg(graph: LineageGraph, options: LineageSvgOptions): string {
  const layout = layeredLayout(
    graph.nodes.map((n) => n.id),
    graph.edges,
  );
  const edges = graph.edges.map((edge) => edgeMarkup(edge, layout.nodes.get(edge.from), layout.nodes.get(edge.to))).join('');
  const nodes = graph.nodes.map((node) => nodeMarkup(node, layout.nodes.get(node.id)!, options)).join('');
  return (
    `<svg class="lineage" xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="Lineage graph">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>` +
    `<g class="edges">${edges}</g><g class="nodes">${nodes}</g></svg>`
  );
}

/** "40 behind" on a read with a known backlog; nothing when unknown or a write. */
export function edgeLabel(edge: LineageEdge): string | null {
  return edge.pending === null ? null : `${edge.pending.toLocaleString('en-US')} behind`;
}

/** "data lost in 2h 10m (14:30Z)", or that retention already passed; null when the backend cannot know. */
export function deadlineText(resource: Resource, now: Date): string | null {
  const at = resource.backlog.dataLossAt;
  if (!at) return null;
  const left = Date.parse(at) - now.getTime();
  const clock = new Date(at).toISOString().slice(11, 16);
  return left > 0 ? `data lost in ${timeLeft(left)} (${clock}Z)` : `retention passed at ${clock}Z`;
}

function edgeMarkup(edge: LineageEdge, from: Placed | undefined, to: Placed | undefined): string {
  if (!from || !to) return '';
  const [x1, y1] = [from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2];
  const [x2, y2] = [to.x, to.y + NODE_HEIGHT / 2];
  const bend = (x2 - x1) / 2;
  const label = edgeLabel(edge);
  const text = label ? `<text class="edge-label" x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle">${escape(label)}</text>` : '';
  return `<g class="edge${edge.pending ? ' behind' : ''}" data-from="${escape(edge.from)}" data-to="${escape(edge.to)}"><path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>${text}</g>`;
}

function nodeMarkup(node: LineageNode, at: Placed, options: LineageSvgOptions): string {
  const selected = node.id === options.selected ? ' selected' : '';
  const attrs = `data-id="${escape(node.id)}" transform="translate(${at.x},${at.y})" tabindex="0" role="button"`;
  if (node.type === 'dataset') {
    return (
      `<g class="node dataset${selected}" ${attrs}><title>${escape(`Kafka topic ${node.name}`)}</title>` +
      `<rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="${NODE_HEIGHT / 2}"/>` +
      `<text class="name" x="${NODE_WIDTH / 2}" y="${NODE_HEIGHT / 2 + 4}" text-anchor="middle">${escape(clip(node.name, 26))}</text></g>`
    );
  }
  const resource = node.resource;
  const paused = isPaused(resource);
  // A deadline matters while nothing reads the data: paused, or stopped.
  const atRisk = resource.backlog.dataLossAt !== null && isHeld(resource);
  const classes = ['node', 'resource', `state-${resource.state}`, paused ? 'paused' : '', atRisk ? 'at-risk' : ''].filter(Boolean).join(' ');
  const deadline = deadlineText(resource, options.now);
  const words = options.words(resource.kind);
  const lines = [
    `<text class="name" x="10" y="20">${escape(clip(displayName(resource), 24))}</text>`,
    `<text class="kind" x="10" y="36">${escape(words.title)} · ${escape(resource.connection)}</text>`,
    `<text class="state" x="10" y="54">${escape(stateWords(resource.state))}</text>`,
    deadline ? `<text class="deadline" x="10" y="71">${escape(deadline)}</text>` : '',
    paused ? `<g class="badge"><rect x="${NODE_WIDTH - 58}" y="6" width="50" height="16" rx="8"/><text x="${NODE_WIDTH - 33}" y="18" text-anchor="middle">paused</text></g>` : '',
  ];
  return `<g class="${classes}${selected}" ${attrs}><title>${escape(tooltip(resource, words, deadline))}</title><rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="4"/>${lines.join('')}</g>`;
}

function tooltip(resource: Resource, words: KindPresentation, deadline: string | null): string {
  const lines = [`${resource.id} (${words.title}): ${stateWords(resource.state)}`];
  if (resource.pause) {
    lines.push(`Paused by ${resource.pause.pausedBy} at ${resource.pause.pausedAt}`);
    lines.push(`Reason: ${resource.pause.reason ?? '(none given)'}`);
    if (resource.pause.resumeAt) lines.push(`Auto-resume at ${resource.pause.resumeAt}`);
  }
  if (resource.backlog.pending !== null) lines.push(`${words.pending}: ${resource.backlog.pending}`);
  if (deadline) lines.push(deadline.replace(/^data lost/, 'Data lost'));
  if (resource.lastError) lines.push(`Error: ${resource.lastError}`);
  return lines.join('\n');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
