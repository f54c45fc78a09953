import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues } from '../../protocol/requests';
import { BACKENDS } from '../backends/registry';

export interface ConnectionConfig {
  name: string;
  kind: string;
  [key: string]: unknown;
}

/** One entry of the connections file, validated by its backend's schema (also what a connection test takes). */
export const ConnectionEntry = z.discriminatedUnion('kind', BACKENDS.map((b) => b.configSchema) as [z.ZodObject, ...z.ZodObject[]]);

/** The connections file: one entry per backend connection, each validated by its backend's schema. */
export const ConnectionsFile = z
  .object({
    $schema: z.string().optional(),
    connections: z.array(ConnectionEntry),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    (file.connections as ConnectionConfig[]).forEach((connection, index) => {
      if (seen.has(connection.name)) {
        ctx.addIssue({ code: 'custom', path: ['connections', index, 'name'], message: `duplicate connection name "${connection.name}"` });
      }
      seen.add(connection.name);
    });
  });

/** `missing`: there is no file, which lists no connections (the agent, once running, keeps its last good ones). */
export type ConnectionsFile = { connections: ConnectionConfig[]; missing?: boolean };

/** A missing file means "no connections yet"; anything unreadable is an error naming the file. */
export async function loadConnections(path: string): Promise<ConnectionsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { connections: [], missing: true };
    throw new Error(`cannot read connections file ${path}: ${(error as Error).message}`);
  }
  return parseConnections(text, path);
}

export function parseConnections(text: string, path: string): ConnectionsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`connections file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ConnectionsFile.safeParse(json);
  if (!parsed.success) throw new Error(`connections file ${path} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data as ConnectionsFile;
}

export function connectionsJsonSchema(): object {
  return {
    ...z.toJSONSchema(ConnectionsFile, { io: 'input', unrepresentable: 'any', target: 'draft-7' }),
    title: 'Pipeline Pause connections',
    description: 'Backends the Pipeline Pause agent connects to. Credentials never go here: they come from each ecosystem\'s usual places (AWS profiles and the default credential chain).',
  };
}
