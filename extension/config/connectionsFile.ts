import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The schema copy sits beside the connections file, so "$schema" resolves offline and in any editor. */
export const SCHEMA_COPY_NAME = 'connections.schema.json';

/**
 * A first connections file: a valid example whose description explains it (JSON has no
 * comments, and the agent reads the file as plain JSON). It points at a local endpoint, so
 * until edited it shows as unreachable rather than calling anything real.
 */
export function connectionsTemplate(): string {
  const file = {
    $schema: `./${SCHEMA_COPY_NAME}`,
    connections: [
      {
        name: 'example-queue',
        kind: 's3-queue',
        description:
          'Example: one buquet queue per bucket. Replace the bucket and endpoint (leave the endpoint out for AWS). Credentials come from your AWS profile or environment, never from this file. Ctrl+Space lists every field.',
        buckets: ['my-queue-bucket'],
        endpoint: 'http://127.0.0.1:9000',
        region: 'us-east-1',
      },
    ],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
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
  try {
    await copyFile(bundledSchema, join(dirname(path), SCHEMA_COPY_NAME));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
