import type { DeployUnit } from '../../protocol/resource';
import { deployTarget, insertTarget, splitSqlStatements } from '../../protocol/sqlStatements';
import type { ResourceStore } from '../state/resourceStore';

/** Something of a .sql file that one connection can deploy, and where it sits in the file. */
export interface Deployable {
  /** What the agent is sent: one statement, or the whole file for a script. */
  text: string;
  /** Offsets of `text` in the file; the server's line and column count from `start`. */
  start: number;
  end: number;
  /** The statement a lens sits above: the CREATE ... AS SELECT, or the script's INSERT INTO. */
  anchor: { start: number; end: number };
  /** What it writes, for prompts: "STREAM BIG_ORDERS", "INSERT INTO totals". */
  writes: string;
}

export interface DeployConnection {
  name: string;
  unit: DeployUnit;
}

/** How each unit is described where the editor offers or refuses a deploy. */
export const UNIT_WORDING: Record<DeployUnit, { what: string; lensTooltip: (deployable: Deployable, connection: string) => string }> = {
  statement: {
    what: 'a CREATE STREAM|TABLE ... AS SELECT statement',
    lensTooltip: (d, connection) => `Run this ${d.writes} statement on ${connection}, upgrading its query in place when the server can`,
  },
  script: {
    what: 'a file whose last statement is an INSERT INTO',
    lensTooltip: (d, connection) => `Run this whole file as one job on ${connection} (${d.writes}), keeping the running job's state when the server can`,
  },
};

/** The parts of a .sql / .ksql text that a connection deploying `unit` can run. */
export function deployables(text: string, unit: DeployUnit): Deployable[] {
  return splitSqlStatements(text).flatMap((statement): Deployable[] => {
    const anchor = { start: statement.start, end: statement.end };
    if (unit === 'statement') {
      const target = deployTarget(statement.text);
      return target ? [{ text: statement.text, start: statement.start, end: statement.end, anchor, writes: `${target.what} ${target.name}` }] : [];
    }
    const insert = insertTarget(statement.text);
    return insert ? [{ text, start: 0, end: text.length, anchor, writes: `INSERT INTO ${insert.table}` }] : [];
  });
}

/** What a deploy at the cursor sends: the statement it is in (its `;` counts), or the file's script. */
export function deployableAt(text: string, offset: number, unit: DeployUnit): Deployable | undefined {
  const found = deployables(text, unit);
  return found.find((d) => d.anchor.start <= offset && offset <= d.anchor.end) ?? (unit === 'script' ? found[0] : undefined);
}

/** The connections the agent knows that take deploys, by name. */
export function deployConnections(store: ResourceStore): DeployConnection[] {
  return store.connections().flatMap((c) => (c.deploys ? [{ name: c.name, unit: c.deploys }] : []));
}
