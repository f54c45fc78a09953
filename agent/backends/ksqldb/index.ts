import type { BackendDefinition } from '../types';
import { KsqlDbAdapter } from './adapter';
import { KsqlDbConfig } from './config';

export const ksqlDbBackend: BackendDefinition<KsqlDbConfig> = {
  kind: 'ksqldb',
  configSchema: KsqlDbConfig,
  // ksqlDB stores only whether a query is paused: who, why and until when live in the journal.
  pauseDetails: 'agent',
  deploys: 'statement',
  create: (config, context) => new KsqlDbAdapter(config, context),
};
