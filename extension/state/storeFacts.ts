import { pauseGroupsIn, upstreamFacts, type PauseGroupView, type UpstreamFacts } from './pauseGroups';
import type { ResourceStore } from './resourceStore';

interface Derived {
  revision: number;
  upstream?: (id: string) => UpstreamFacts;
  groups?: PauseGroupView[];
}

/**
 * Facts that depend on all resources at once (the lineage behind "Pause upstream", the pause
 * groups), computed at most once per store change and shared by every row that asks. Asked per
 * row they cost O(N) each, and O(N²) for a connection row whose children are all re-rendered.
 */
export class StoreFacts {
  private derived: Derived = { revision: -1 };

  constructor(private readonly store: ResourceStore) {}

  upstream(id: string): UpstreamFacts {
    const derived = this.current();
    derived.upstream ??= upstreamFacts(this.store.resources());
    return derived.upstream(id);
  }

  pauseGroups(): PauseGroupView[] {
    const derived = this.current();
    derived.groups ??= pauseGroupsIn(this.store.resources());
    return derived.groups;
  }

  pauseGroup(id: string): PauseGroupView | undefined {
    return this.pauseGroups().find((g) => g.ref.id === id);
  }

  private current(): Derived {
    if (this.derived.revision !== this.store.revision) this.derived = { revision: this.store.revision };
    return this.derived;
  }
}
