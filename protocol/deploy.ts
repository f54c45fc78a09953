import { z } from 'zod';
import { Resource } from './resource';

/** Body of POST /connections/:connection/deploy: what the backend deploys (ksqlDB: one `CREATE ... AS SELECT`; Flink: a SQL script ending in one INSERT INTO). */
export const DeployRequest = z
  .object({
    statement: z.string().trim().min(1, 'statement is empty').max(65_536),
    /**
     * The user's consent to terminate the query that writes the target and create it anew
     * (its state is dropped and it reprocesses its source from the earliest offset). Only used
     * when the server refuses an in-place upgrade; without it that answer is RecreateRequired.
     */
    recreate: z.boolean().default(false),
  })
  .strict();
export type DeployRequestInput = z.input<typeof DeployRequest>;
export type DeployRequest = z.output<typeof DeployRequest>;

/** How the statement was applied. */
export const DeployAction = z.enum(['created', 'upgraded', 'recreated']);
export type DeployAction = z.infer<typeof DeployAction>;

export const DeployResponse = z.object({
  action: DeployAction,
  /** The query now writing the target (the same id after an in-place upgrade). */
  queryId: z.string(),
  /** The query that was terminated (recreated only). */
  replacedQueryId: z.string().nullable(),
  /** The server's own words, e.g. "Created query with ID CTAS_TOTALS_7". */
  message: z.string(),
  /** The new query as the agent now lists it; null if its listing has not caught up. */
  resource: Resource.nullable(),
});
export type DeployResponse = z.infer<typeof DeployResponse>;

/** One line for the CLI and the editor: what happened to which query. */
export function describeDeploy(connection: string, result: Pick<DeployResponse, 'action' | 'queryId' | 'replacedQueryId'>): string {
  switch (result.action) {
    case 'created':
      return `Created ${connection}/${result.queryId}`;
    case 'upgraded':
      return `Upgraded ${connection}/${result.queryId} in place (same query id, consumer group and offsets)`;
    case 'recreated':
      return `Recreated as ${connection}/${result.queryId}, replacing ${result.replacedQueryId}; it reprocesses its source from the earliest offset`;
  }
}
