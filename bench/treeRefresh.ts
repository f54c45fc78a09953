import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerMessage } from '../protocol/messages';
import type { Resource } from '../protocol/resource';
import { KINDS, makeConnection, makePause, makeResource, minutesFromNow } from '../test/unit/extension/fixtures';
import { TreeRendering } from '../test/unit/extension/treeRendering';
import { useVscodeStub } from '../test/unit/extension/vscodeStub';
import { BaselineCheckout, PROJECT_ROOT } from './support/baseline';
import { summarize } from './stats';

/**
 * Extension-host work for one pushed change at scale: the store update, the tree provider's
 * change handling and VS Code asking getTreeItem / getChildren for what was fired (the unit
 * tests' vscode stub and TreeRendering stand in for VS Code), for the pre-issue-12 tree and this
 * one, alternating change by change in one run. Also the countdown tick (auto-resume labels).
 *   npx tsx bench/treeRefresh.ts [resources, default 2000] [changes, default 30]
 */
useVscodeStub();

type ProviderModule = typeof import('../extension/tree/resourceTreeProvider');
type StoreModule = typeof import('../extension/state/resourceStore');
const SCENARIOS = ['lag change', 'pause', 'countdown tick', 'countdown tick after a timed pause-all'] as const;
type Scenario = (typeof SCENARIOS)[number];
type Sample = { ms: number; rows: number };

const S3_QUEUES = 50;
const PIPELINE_LENGTH = 10;
const COUNTING_DOWN = 100;
const WARM_UP = 5;

/** One tree over its own store, as the extension builds it. */
class Tree {
  private readonly store: InstanceType<StoreModule['ResourceStore']>;
  private readonly provider: InstanceType<ProviderModule['ResourceTreeProvider']>;
  private readonly rendering: TreeRendering<unknown>;

  constructor(store: StoreModule, tree: ProviderModule, snapshot: ServerMessage) {
    this.store = new store.ResourceStore();
    this.provider = new tree.ResourceTreeProvider(this.store, () => null);
    this.rendering = new TreeRendering(this.provider as never);
    this.store.apply(snapshot);
    this.rendering.flush();
  }

  /** Milliseconds for the change and VS Code's re-rendering of what it fired, and how many rows that was. */
  measure(change: () => void): Sample {
    const started = performance.now();
    change();
    const rows = this.rendering.flush().length;
    return { ms: performance.now() - started, rows };
  }

  apply(message: ServerMessage): Sample {
    return this.measure(() => this.store.apply(message));
  }

  tick(): Sample {
    return this.measure(() => this.provider.refreshCountdowns());
  }
}

function query(n: number, overrides: Partial<Resource> = {}): Resource {
  // Pipelines of ten queries, each reading the topic the one before writes.
  const first = n % PIPELINE_LENGTH === 0;
  return makeResource(`ksql/query_${String(n).padStart(4, '0')}`, {
    kind: 'ksqldb-query',
    lineage: { upstream: [], downstream: [], inputs: [first ? `kafka-topic:source_${n}` : `kafka-topic:t_${n - 1}`], outputs: [`kafka-topic:t_${n}`] },
    backlog: { pending: n, inFlight: null, oldestPendingAt: null, dataLossAt: null },
    ...overrides,
  });
}

/** The first `countingDown` queries paused with an auto-resume time, the others running. */
function snapshotOf(resources: number, countingDown: number): { snapshot: ServerMessage; queries: Resource[] } {
  const queries = Array.from({ length: resources - S3_QUEUES }, (_, n) =>
    n < countingDown ? query(n, { state: 'paused', pause: makePause({ resumeAt: minutesFromNow(30 + n, new Date()) }) }) : query(n),
  );
  const queues = Array.from({ length: S3_QUEUES }, (_, n) => makeResource(`s3/queue-${n}`));
  const connections = [makeConnection('ksql', { kind: 'ksqldb' }), makeConnection('s3')];
  return { snapshot: { type: 'snapshot', snapshot: { agent: { version: '1', pid: 1, startedAt: new Date().toISOString() }, kinds: KINDS, connections, resources: [...queries, ...queues], configError: null } }, queries };
}

async function main(): Promise<void> {
  const resources = Number(process.argv[2] ?? 2000);
  const changes = Number(process.argv[3] ?? 30);
  if (!(resources > S3_QUEUES + COUNTING_DOWN + WARM_UP + changes) || !(changes > 0)) throw new Error('usage: npx tsx bench/treeRefresh.ts [resources > 150 + changes] [changes]');
  const { snapshot, queries } = snapshotOf(resources, COUNTING_DOWN);
  const pausedAll = snapshotOf(resources, resources - S3_QUEUES).snapshot;
  const baseline = BaselineCheckout.create();
  const samples = { old: new Map<Scenario, Sample[]>(), new: new Map<Scenario, Sample[]>() };
  try {
    const modules = {
      old: [await import(baseline.path('extension/state/resourceStore.ts')), await import(baseline.path('extension/tree/resourceTreeProvider.ts'))] as const,
      new: [await import('../extension/state/resourceStore'), await import('../extension/tree/resourceTreeProvider')] as const,
    };
    const trees = {
      old: { mixed: new Tree(...modules.old, snapshot), pausedAll: new Tree(...modules.old, pausedAll) },
      new: { mixed: new Tree(...modules.new, snapshot), pausedAll: new Tree(...modules.new, pausedAll) },
    };
    for (let trial = 0; trial < WARM_UP + changes; trial++) {
      // Each trial changes another running query: its lag, then it is paused (the connection's count changes).
      const target = queries[COUNTING_DOWN + trial];
      const lag: ServerMessage = { type: 'resource-changed', resource: { ...target, backlog: { ...target.backlog, pending: (target.backlog.pending ?? 0) + 1000 } } };
      const pause: ServerMessage = { type: 'resource-changed', resource: { ...target, state: 'paused', pause: makePause() } };
      for (const side of ['old', 'new'] as const) {
        const { mixed, pausedAll } = trees[side];
        const measured: Record<Scenario, Sample> = {
          'lag change': mixed.apply(lag),
          pause: mixed.apply(pause),
          'countdown tick': mixed.tick(),
          'countdown tick after a timed pause-all': pausedAll.tick(),
        };
        if (trial < WARM_UP) continue;
        for (const scenario of SCENARIOS) samples[side].set(scenario, [...(samples[side].get(scenario) ?? []), measured[scenario]]);
      }
      console.error(`change ${trial + 1}/${WARM_UP + changes}`);
    }
  } finally {
    baseline.remove();
  }

  const results = Object.fromEntries(
    SCENARIOS.map((scenario) => {
      const [old, now] = (['old', 'new'] as const).map((side) => {
        const measured = samples[side].get(scenario) ?? [];
        return { ms: round(summarize(measured.map((s) => s.ms))), rowsAsked: summarize(measured.map((s) => s.rows)).median };
      });
      return [scenario, { old, new: now, medianRatio: round(old.ms.median / now.ms.median) }];
    }),
  );
  mkdirSync(join(PROJECT_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(
    join(PROJECT_ROOT, 'bench', 'results', 'treeRefresh.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), baseline: baseline.rev, resources, countingDown: COUNTING_DOWN, changes, unit: 'ms', results }, null, 2)}\n`,
  );
  console.log(JSON.stringify(results, null, 2));
}

function round<T extends number | Record<string, number>>(value: T): T {
  if (typeof value === 'number') return (Math.round(value * 100) / 100) as T;
  return Object.fromEntries(Object.entries(value).map(([key, n]) => [key, Math.round(n * 100) / 100])) as T;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
