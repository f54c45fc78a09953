import { isDeepStrictEqual } from 'node:util';
import type { Interest, ListContext } from '../types';
import { countHosts, isTransientId } from './queries';
import type { QueryDescription, RunningQuery } from './wire';

/**
 * How old the extended facts may grow before a poll reads them again anyway (a change nothing
 * else reveals: a query error message, a new topic behind a source). Watched, a few minutes;
 * otherwise changes in the queries themselves refetch them, and this is only a backstop.
 */
export const EXTENDED_MAX_AGE_MS: Record<Interest, number> = { watched: 5 * 60_000, background: 30 * 60_000, idle: 30 * 60_000 };

interface Cached {
  /** The query's text as SHOW QUERIES gave it when these facts were read: a replaced query differs. */
  queryString: string;
  description: QueryDescription;
}

/**
 * The facts of `SHOW QUERIES EXTENDED` and `LIST STREAMS / TABLES` that change only when queries
 * are created, replaced or dropped (sources for lineage, consumer group for lag, the topics behind
 * each source), kept per query id so that a poll needs only `SHOW QUERIES`, which carries the
 * pause state (statusCount). Per-host statuses are used only while they still add up to the
 * query's statusCount; a query in a mixed state they no longer explain has its facts read again,
 * so the servers to look at stay named.
 */
export class ExtendedFacts {
  private queries = new Map<string, Cached>();
  private sourceTopics = new Map<string, string>();
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether the next listing should read the extended facts in the same request. */
  wanted(context: ListContext): boolean {
    return context.reason === 'refresh' || this.now() - this.readAt > EXTENDED_MAX_AGE_MS[context.interest];
  }

  /** Replaces everything with what one full listing read (SHOW QUERIES in the same request). */
  store(queries: RunningQuery[], descriptions: QueryDescription[], topics: Map<string, string>): void {
    const byId = new Map(descriptions.map((d) => [d.id.toUpperCase(), d]));
    this.queries = new Map();
    for (const query of queries) {
      const description = byId.get(query.id.toUpperCase());
      if (description) this.queries.set(query.id.toUpperCase(), { queryString: query.queryString, description });
    }
    this.sourceTopics = topics;
    this.readAt = this.now();
  }

  /** Why the cached facts do not cover this SHOW QUERIES answer (then read them again), or null when they do. */
  gap(queries: RunningQuery[]): string | null {
    for (const query of queries) {
      if (query.queryType !== 'PERSISTENT' || isTransientId(query.id)) continue; // transient queries need none of these facts
      const cached = this.queries.get(query.id.toUpperCase());
      if (!cached) return `new query ${query.id}`;
      if (cached.queryString !== query.queryString) return `query ${query.id} was replaced`;
      // Without statusCount the per-host statuses are the only pause state: read them every time.
      if (!Object.keys(query.statusCount).length) return `no statusCount for ${query.id}`;
      if (needsHostNames(query.statusCount) && !explains(cached.description, query.statusCount)) return `query ${query.id} changed state on some servers`;
    }
    return null;
  }

  /**
   * The cached description of a query, with per-host statuses only while they still match its
   * statusCount (otherwise the servers are counted, not named).
   */
  description(query: RunningQuery): QueryDescription | null {
    const cached = this.queries.get(query.id.toUpperCase());
    if (!cached || cached.queryString !== query.queryString) return null;
    const current = !Object.keys(query.statusCount).length || explains(cached.description, query.statusCount);
    return current ? cached.description : { ...cached.description, ksqlHostQueryStatus: {} };
  }

  /** The Kafka topic behind each stream and table, by upper-case name. */
  get topics(): Map<string, string> {
    return this.sourceTopics;
  }
}

/** Every server agreeing on RUNNING or PAUSED needs no names; a split or a troubled server does. */
function needsHostNames(statusCount: Record<string, number>): boolean {
  const states = Object.keys(statusCount).filter((status) => statusCount[status] > 0);
  return states.length > 1 || states.some((status) => status !== 'RUNNING' && status !== 'PAUSED');
}

function explains(description: QueryDescription, statusCount: Record<string, number>): boolean {
  return isDeepStrictEqual(countHosts(description.ksqlHostQueryStatus), Object.fromEntries(Object.entries(statusCount).filter(([, n]) => n > 0)));
}
