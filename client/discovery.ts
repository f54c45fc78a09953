import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AgentPaths } from '../protocol/paths';
import { AgentClient } from './agentClient';

const AgentInfoFile = z.object({ port: z.number().int(), pid: z.number().int(), version: z.string() });
export type AgentInfoFile = z.infer<typeof AgentInfoFile>;

export interface FoundAgent {
  client: AgentClient;
  info: AgentInfoFile;
  token: string;
}

/** A running agent that answers its health check with the recorded token, or null. */
export async function findAgent(paths: AgentPaths, timeoutMs = 1500): Promise<FoundAgent | null> {
  let info: AgentInfoFile;
  let token: string;
  try {
    info = AgentInfoFile.parse(JSON.parse(await readFile(paths.agentInfo, 'utf8')));
    token = (await readFile(paths.token, 'utf8')).trim();
  } catch {
    return null;
  }
  const client = new AgentClient(`http://127.0.0.1:${info.port}`, token);
  try {
    await client.health(timeoutMs);
    return { client, info, token };
  } catch {
    return null;
  }
}
