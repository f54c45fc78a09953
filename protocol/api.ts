import { z } from 'zod';
import type { DeployRequestInput, DeployResponse } from './deploy';
import type { Snapshot } from './messages';
import type { PauseRequestInput, PauseUpstreamRequestInput, ResumeRequestInput, StopRequestInput } from './requests';
import { PauseDetails, PauseGroupRef, Resource } from './resource';
import type { PeekRequestInput, PeekResponse } from './peek';

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
export const PauseUpstreamResponse = z.object({
  group: PauseGroupRef,
  /** One per upstream resource the group tried to pause. */
  results: z.array(BulkResult),
  /** Upstream resources left as they were (already paused by someone, or not pausable), and why. */
  skipped: z.array(z.object({ id: z.string(), reason: z.string() })),
  /** Connections that could not be listed: what they feed is not known, so the group may be incomplete. */
  warnings: z.array(z.string()),
});
export type PauseUpstreamResponse = z.infer<typeof PauseUpstreamResponse>;

/** How far a bulk operation has got: items finished (failed ones included) of all it will try. */
export interface BulkCounts {
  done: number;
  total: number;
  failed: number;
}

/** For operations over many resources: told as items finish, so a caller can show progress. */
export interface BulkOptions {
  onProgress?(counts: BulkCounts): void;
}

export interface SnapshotOptions {
  /** List every connection now rather than answer the last listings (an idle agent lists once a minute). */
  fresh?: boolean;
}

export interface ResourceOptions {
  /** Count the backlog exactly (every page of an S3 queue's `ready/`), not only its first 1,000. */
  exact?: boolean;
}

/** What a client can ask, whether it talks to a running agent or works in-process. */
export interface PauseApi {
  snapshot(options?: SnapshotOptions): Promise<Snapshot>;
  resource(id: string, options?: ResourceOptions): Promise<z.infer<typeof Resource>>;
  pause(id: string, request: PauseRequestInput): Promise<PauseResponse>;
  resume(id: string, request: ResumeRequestInput): Promise<ResumeResponse>;
  /** Stops a resource that can stop (capabilities.stop); resume starts it again. */
  stop(id: string, request: StopRequestInput): Promise<StopResponse>;
  pauseAll(connection: string, request: PauseRequestInput, options?: BulkOptions): Promise<BulkResult[]>;
  /** null resumes across every connection. */
  resumeAll(connection: string | null, request: ResumeRequestInput, options?: BulkOptions): Promise<BulkResult[]>;
  /** Pauses everything that feeds `id` (transitively, across connections) as one named group. */
  pauseUpstream(id: string, request: PauseUpstreamRequestInput, options?: BulkOptions): Promise<PauseUpstreamResponse>;
  /** Resumes the groups made by pauseUpstream(id): exactly their members that are still paused by them. */
  resumeUpstream(id: string, options?: BulkOptions): Promise<BulkResult[]>;
  resumeGroup(group: string, options?: BulkOptions): Promise<BulkResult[]>;
  /** The latest records of the resource's output topics, read without any consumer group. */
  peek(id: string, request: PeekRequestInput): Promise<PeekResponse>;
  /** Runs one `CREATE ... AS SELECT` on a connection that can deploy (ksqlDB). */
  deploy(connection: string, request: DeployRequestInput): Promise<DeployResponse>;
  close(): Promise<void>;
}
