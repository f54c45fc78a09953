import type { Resource } from './resource';

/**
 * Lineage across backends, computed from the resources alone so agent, CLI and extension agree.
 * Two resources are linked when one names the other in `lineage.upstream` / `downstream`, or when
 * one writes a data set (`kafka-topic:<t>`) the other reads: that is how a Kafka Connect source
 * feeds a ksqlDB query on another connection.
 */
export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export type LineageNode = { id: string; type: 'resource'; resource: Resource } | { id: string; type: 'dataset'; name: string };

export interface LineageEdge {
  from: string;
  to: string;
  /** Work waiting on this edge for its reader (records of lag, say); null when unknown or a write. */
  pending: number | null;
}

const DATASET_PREFIX = 'kafka-topic:';

/** `kafka-topic:orders` -> `orders`, for labels. */
export function datasetLabel(dataset: string): string {
  return dataset.startsWith(DATASET_PREFIX) ? dataset.slice(DATASET_PREFIX.length) : dataset;
}

/** For each resource id, the ids of the resources that feed it directly. */
export function directFeeders(resources: readonly Resource[]): Map<string, Set<string>> {
  const ids = new Set(resources.map((r) => r.id));
  const writers = new Map<string, string[]>();
  for (const resource of resources) {
    for (const output of resource.lineage.outputs) writers.set(output, [...(writers.get(output) ?? []), resource.id]);
  }
  const feeders = new Map<string, Set<string>>(resources.map((r) => [r.id, new Set<string>()]));
  const link = (from: string, to: string) => {
    if (from !== to && ids.has(from) && ids.has(to)) feeders.get(to)?.add(from);
  };
  for (const resource of resources) {
    for (const upstream of resource.lineage.upstream) link(upstream, resource.id);
    for (const downstream of resource.lineage.downstream) link(resource.id, downstream);
    for (const input of resource.lineage.inputs) for (const writer of writers.get(input) ?? []) link(writer, resource.id);
  }
  return feeders;
}

/** Every resource that feeds `id`, directly or through others, nearest first; `id` itself is left out. */
export function upstreamOf(resources: readonly Resource[], id: string): Resource[] {
  const feeders = directFeeders(resources);
  const byId = new Map(resources.map((r) => [r.id, r]));
  const seen = new Set<string>([id]);
  const found: Resource[] = [];
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const current of frontier) {
      for (const feeder of [...(feeders.get(current) ?? [])].sort()) {
        if (seen.has(feeder)) continue;
        seen.add(feeder);
        found.push(byId.get(feeder) as Resource);
        next.push(feeder);
      }
    }
    frontier = next;
  }
  return found;
}

/**
 * The pipeline `id` belongs to: every resource linked to it in either direction, with the data
 * sets between them as nodes of their own, so a picture can show topics and the lag on each read.
 */
export function pipelineOf(resources: readonly Resource[], id: string): LineageGraph {
  const feeders = directFeeders(resources);
  const neighbours = new Map<string, Set<string>>(resources.map((r) => [r.id, new Set<string>()]));
  for (const [to, froms] of feeders) {
    for (const from of froms) {
      neighbours.get(to)?.add(from);
      neighbours.get(from)?.add(to);
    }
  }
  const members = new Set<string>();
  const queue = neighbours.has(id) ? [id] : [];
  while (queue.length) {
    const current = queue.pop() as string;
    if (members.has(current)) continue;
    members.add(current);
    queue.push(...(neighbours.get(current) ?? []));
  }
  const included = resources.filter((r) => members.has(r.id));
  const nodes: LineageNode[] = included.map((resource) => ({ id: resource.id, type: 'resource', resource }));
  const edges: LineageEdge[] = [];
  const datasets = new Set<string>();
  for (const resource of included) {
    for (const output of resource.lineage.outputs) {
      datasets.add(output);
      edges.push({ from: resource.id, to: output, pending: null });
    }
    for (const input of resource.lineage.inputs) {
      datasets.add(input);
      edges.push({ from: input, to: resource.id, pending: resource.backlog.pending });
    }
  }
  // Links known only by id (no shared data set named) still belong in the picture.
  for (const resource of included) {
    for (const from of feeders.get(resource.id) ?? []) {
      const viaDataset = included.find((r) => r.id === from)?.lineage.outputs.some((o) => resource.lineage.inputs.includes(o));
      if (!viaDataset) edges.push({ from, to: resource.id, pending: resource.backlog.pending });
    }
  }
  for (const dataset of [...datasets].sort()) nodes.push({ id: dataset, type: 'dataset', name: datasetLabel(dataset) });
  return { nodes, edges };
}
