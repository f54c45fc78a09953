import { z } from 'zod';
import type { DeployRequestInput, DeployResponse } from './deploy';
import type { Snapshot } from './messages';
import type { PauseRequestInput, ResumeRequestInput, StopRequestInput } from './requests';
import { PauseDetails, Resource } from './resource';

export const ResourceResponse = z.object({ resource: Resource });
export const PauseResponse = z.object({ pause: PauseDetails, resource: Resource });
export type PauseResponse = z.infer<typeof PauseResponse>;
export const ResumeResponse = z.object({ previous: PauseDetails.nullable(), resource: Resource });
export type ResumeResponse = z.infer<typeof ResumeResponse>;
/** A stop answers like a pause: the details recorded (who, why, since) and the resource. */
export const StopResponse = PauseResponse;
export type StopResponse = PauseResponse;
export const BulkResult = z.object({ id: z.string(), ok: z.boolean(), error: z.string().nullable() });
export type BulkResult = z.infer<typeof BulkResult>;
export const BulkResponse = z.object({ results: z.array(BulkResult) });

/** What a client can ask, whether it talks to a running agent or works in-process. */
export interface PauseApi {
  snapshot(): Promise<Snapshot>;
  resource(id: string): Promise<z.infer<typeof Resource>>;
  pause(id: string, request: PauseRequestInput): Promise<PauseResponse>;
  resume(id: string, request: ResumeRequestInput): Promise<ResumeResponse>;
  /** Stops a resource that can stop (capabilities.stop); resume starts it again. */
  stop(id: string, request: StopRequestInput): Promise<StopResponse>;
  pauseAll(connection: string, request: PauseRequestInput): Promise<BulkResult[]>;
  /** null resumes across every connection. */
  resumeAll(connection: string | null, request: ResumeRequestInput): Promise<BulkResult[]>;
  /** Runs one `CREATE ... AS SELECT` on a connection that can deploy (ksqlDB). */
  deploy(connection: string, request: DeployRequestInput): Promise<DeployResponse>;
  close(): Promise<void>;
}
