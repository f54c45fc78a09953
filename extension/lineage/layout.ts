/**
 * A left-to-right layered layout for small lineage graphs: a node's layer is the longest path
 * to it from a source, so every edge points right; within a layer nodes are ordered by where
 * their feeders sit, which keeps edges from crossing in the usual pipeline shapes.
 */
export interface LayoutEdge {
  from: string;
  to: string;
}

export interface Placed {
  id: string;
  layer: number;
  /** Position within the layer, top first. */
  row: number;
  /** Top-left corner of the node's box. */
  x: number;
  y: number;
}

export interface Layout {
  nodes: Map<string, Placed>;
  width: number;
  height: number;
}

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 80;
const GAP_X = 90;
const GAP_Y = 28;
const MARGIN = 20;

export function layeredLayout(ids: readonly string[], edges: readonly LayoutEdge[]): Layout {
  const known = new Set(ids);
  const inner = edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  const layers = longestPathLayers(ids, inner);
  const byLayer: string[][] = [];
  for (const id of ids) (byLayer[layers.get(id)!] ??= []).push(id);

  const row = new Map<string, number>();
  const feeders = (id: string) => inner.filter((e) => e.to === id).map((e) => e.from);
  for (const members of byLayer) {
    if (!members) continue;
    // Order by the mean row of the feeders already placed (sources: by id), ties by id.
    const weight = (id: string) => {
      const rows = feeders(id).map((f) => row.get(f)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    members.sort((a, b) => weight(a) - weight(b) || a.localeCompare(b)).forEach((id, index) => row.set(id, index));
  }

  const tallest = Math.max(0, ...byLayer.map((m) => m?.length ?? 0));
  const nodes = new Map<string, Placed>();
  byLayer.forEach((members, layer) => {
    // Shorter layers are centred against the tallest one.
    const offset = ((tallest - members.length) * (NODE_HEIGHT + GAP_Y)) / 2;
    for (const id of members) {
      const r = row.get(id)!;
      nodes.set(id, { id, layer, row: r, x: MARGIN + layer * (NODE_WIDTH + GAP_X), y: MARGIN + offset + r * (NODE_HEIGHT + GAP_Y) });
    }
  });
  const layerCount = byLayer.length;
  return {
    nodes,
    width: layerCount ? 2 * MARGIN + layerCount * NODE_WIDTH + (layerCount - 1) * GAP_X : 2 * MARGIN,
    height: tallest ? 2 * MARGIN + tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y : 2 * MARGIN,
  };
}

/**
 * Longest path from any source, by relaxing edges at most n times: lineage should have no
 * cycles, but if one sneaks in (ids naming each other) the layers stay bounded instead of looping.
 */
function longestPathLayers(ids: readonly string[], edges: readonly LayoutEdge[]): Map<string, number> {
  const layer = new Map(ids.map((id) => [id, 0]));
  for (let round = 0; round < ids.length; round++) {
    let changed = false;
    for (const { from, to } of edges) {
      const candidate = Math.min(layer.get(from)! + 1, ids.length - 1);
      if (candidate > layer.get(to)!) {
        layer.set(to, candidate);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return layer;
}
