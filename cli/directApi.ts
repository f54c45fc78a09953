import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { BulkOptions, BulkResult, PauseApi, PauseResponse, PauseUpstreamResponse, ResourceOptions, ResumeResponse, StopResponse } from '../protocol/api';
import { DeployRequest, type DeployRequestInput, type DeployResponse } from '../protocol/deploy';
import { connectionTroubleOf, PauseError } from '../protocol/errors';
import type { Snapshot } from '../protocol/messages';
import { parseOrBadRequest, PauseRequest, PauseUpstreamRequest, ResumeRequest, StopRequest, type PauseRequestInput, type PauseUpstreamRequestInput, type ResumeRequestInput, type StopRequestInput } from '../protocol/requests';
import { PeekRequest, type PeekRequestInput, type PeekResponse } from '../protocol/peek';
import type { ConnectionStatus, Resource } from '../protocol/resource';
import type { AgentPaths } from '../protocol/paths';
import { VERSION } from '../protocol/version';
import { loadConnections } from '../agent/config/connectionsFile';
import { Journal } from '../agent/core/journal';
import { connectionIdentity, PauseService } from '../agent/core/service';
import { kindPresentations } from '../agent/backends/registry';

/** The same adapters as the agent, run in this process, for when no agent is running. */
export class DirectApi implements PauseApi {
  private constructor(private readonly service: PauseService) {}

  static async open(paths: AgentPaths, log: Logger): Promise<DirectApi> {
    const file = await loadConnections(paths.connections).catch((error: Error) => {
      throw new PauseError('BadRequest', error.message);
    });
    const service = new PauseService({ log, metrics: new Registry(), journal: new Journal(paths.journal), via: 'cli', home: paths.home });
    await service.configure(file.connections);
    return new DirectApi(service);
  }

  async snapshot(): Promise<Snapshot> {
    const connections: ConnectionStatus[] = [];
    const resources: Resource[] = [];
    for (const connection of this.service.connectionList()) {
      const checkedAt = new Date().toISOString();
      try {
        resources.push(...(await this.service.list(connection)));
        connections.push({ ...connectionIdentity(connection), status: 'ok', error: null, checkedAt });
      } catch (error) {
        connections.push({ ...connectionIdentity(connection), status: connectionTroubleOf(error), error: (error as Error).message, checkedAt });
      }
    }
    return { agent: { version: VERSION, pid: process.pid, startedAt: new Date().toISOString() }, kinds: kindPresentations(), connections, resources, configError: null };
  }

  resource(id: string, options: ResourceOptions = {}): Promise<Resource> {
    return this.service.get(id, { exactCounts: options.exact });
  }

  async pause(id: string, request: PauseRequestInput): Promise<PauseResponse> {
    const pause = await this.service.pause(id, parseOrBadRequest(PauseRequest, request));
    return { pause, resource: await this.service.get(id) };
  }

  async resume(id: string, request: ResumeRequestInput): Promise<ResumeResponse> {
    const outcome = await this.service.resume(id, parseOrBadRequest(ResumeRequest, request));
    return { previous: outcome.previous, resource: await this.service.get(id) };
  }

  async stop(id: string, request: StopRequestInput): Promise<StopResponse> {
    const pause = await this.service.stop(id, parseOrBadRequest(StopRequest, request));
    return { pause, resource: await this.service.get(id) };
  }

  pauseAll(connection: string, request: PauseRequestInput, options: BulkOptions = {}): Promise<BulkResult[]> {
    return this.service.pauseAll(connection, parseOrBadRequest(PauseRequest, request), options.onProgress);
  }

  resumeAll(connection: string | null, request: ResumeRequestInput, options: BulkOptions = {}): Promise<BulkResult[]> {
    const names = connection === null ? this.service.connectionList().map((c) => c.config.name) : [connection];
    return this.service.resumeAll(names, parseOrBadRequest(ResumeRequest, request), options.onProgress);
  }

  pauseUpstream(id: string, request: PauseUpstreamRequestInput, options: BulkOptions = {}): Promise<PauseUpstreamResponse> {
    return this.service.pauseUpstream(id, parseOrBadRequest(PauseUpstreamRequest, request), options.onProgress);
  }

  resumeUpstream(id: string, options: BulkOptions = {}): Promise<BulkResult[]> {
    return this.service.resumeUpstream(id, options.onProgress);
  }

  resumeGroup(group: string, options: BulkOptions = {}): Promise<BulkResult[]> {
    return this.service.resumeGroup(group, options.onProgress);
  }

  peek(id: string, request: PeekRequestInput): Promise<PeekResponse> {
    return this.service.peek(id, parseOrBadRequest(PeekRequest, request));
  }

  async deploy(connection: string, request: DeployRequestInput): Promise<DeployResponse> {
    const outcome = await this.service.deploy(connection, parseOrBadRequest(DeployRequest, request));
    const resource = await this.service.get(`${connection}/${outcome.queryId}`).catch(() => null);
    return { ...outcome, resource };
  }

  close(): Promise<void> {
    return this.service.close();
  }
}
