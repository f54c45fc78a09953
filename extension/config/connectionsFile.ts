import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { ConnectionCandidate } from '../../protocol/connections';
import { withConnection } from './connectionsEdit';

/** The schema copy sits beside the connections file, so "$schema" resolves offline and in any editor. */
export const SCHEMA_COPY_NAME = 'connections.schema.json';

/**
 * A first connections file: a valid example whose description explains it (JSON has no
 * comments, and the agent reads the file as plain JSON). It points at a local endpoint, so
 * until edited it shows as unreachable rather than calling anything real.
 */
export function connectionsTemplate(): string {
  return fileText([
    {
      name: 'example-queue',
      kind: 's3-queue',
      description:
        'Example: one buquet queue per bucket. Replace the bucket and endpoint (leave the endpoint out for AWS). Credentials come from your AWS profile or environment, never from this file. Ctrl+Space lists every field.',
      buckets: ['my-queue-bucket'],
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
    },
  ]);
}

/** A connections file that lists nothing yet: where Add Connection starts without a file. */
export function emptyConnectionsFile(): string {
  return fileText([]);
}

function fileText(connections: object[]): string {
  return `${JSON.stringify({ $schema: `./${SCHEMA_COPY_NAME}`, connections }, null, 2)}\n`;
}

/**
 * Creates the connections file from the template unless it exists, and refreshes the schema
 * copy beside it from the one this extension ships (if it ships one).
 */
export async function prepareConnectionsFile(path: string, bundledSchema: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, connectionsTemplate(), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  await copySchema(path, bundledSchema);
}

/** The connections file's text, or null when there is none yet. */
export async function readConnectionsFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Appends one connection to the file, keeping the rest of it (connectionsEdit.ts). The write is
 * atomic (a rename), so the agent, which watches the file, never reads half of it.
 */
export async function appendConnection(path: string, bundledSchema: string, connection: ConnectionCandidate): Promise<void> {
  const text = withConnection(await readConnectionsFile(path), connection, { empty: emptyConnectionsFile(), example: connectionsTemplate() });
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, text, { mode: 0o600 });
  await copySchema(path, bundledSchema);
}

async function copySchema(path: string, bundledSchema: string): Promise<void> {
  try {
    await copyFile(bundledSchema, join(dirname(path), SCHEMA_COPY_NAME));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
