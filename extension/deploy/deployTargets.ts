import { deployTarget, splitSqlStatements, type DeployTarget, type SqlStatement } from '../../protocol/sqlStatements';
import type { ResourceStore } from '../state/resourceStore';

export interface Deployable extends SqlStatement {
  target: DeployTarget;
}

/** The statements of a .sql / .ksql text that deploy can run: CREATE STREAM|TABLE ... AS SELECT. */
export function deployables(text: string): Deployable[] {
  return splitSqlStatements(text).flatMap((statement) => {
    const target = deployTarget(statement.text);
    return target ? [{ ...statement, target }] : [];
  });
}

/** The deployable statement the cursor is in (its `;` counts as in it). */
export function deployableAt(text: string, offset: number): Deployable | undefined {
  return deployables(text).find((s) => s.start <= offset && offset <= s.end);
}

/** The ksqlDB connections the agent knows, by name. */
export function ksqlConnections(store: ResourceStore): string[] {
  return store
    .connections()
    .filter((c) => c.kind === 'ksqldb')
    .map((c) => c.name);
}
