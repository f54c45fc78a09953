import { kafkaConnectBackend } from './connect';
import { flinkBackend } from './flink';
import { ksqlDbBackend } from './ksqldb';
import { relationalMigratorBackend } from './migrator';
import { queratorBackend } from './querator';
import { s3QueueBackend } from './s3queue';
import type { ConnectionKind } from '../../protocol/connections';
import type { KindPresentations } from '../../protocol/presentation';
import type { BackendDefinition } from './types';

/** Every backend the agent knows; adding one is adding its folder and one line here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BACKENDS: ReadonlyArray<BackendDefinition<any>> = [s3QueueBackend, ksqlDbBackend, queratorBackend, kafkaConnectBackend, relationalMigratorBackend, flinkBackend];

export function findBackend(kind: string): BackendDefinition<{ name: string; kind: string }> | undefined {
  return BACKENDS.find((backend) => backend.kind === kind);
}

/** Every backend's words for its kinds of resource, as the clients get them. */
export function kindPresentations(): KindPresentations {
  return Object.assign({}, ...BACKENDS.map((backend) => backend.presents)) as KindPresentations;
}

/** What the editor's Add Connection offers: one kind per backend, with the questions it asks. */
export function connectionKinds(): ConnectionKind[] {
  return BACKENDS.map((backend) => ({ kind: backend.kind, ...backend.connects }));
}
