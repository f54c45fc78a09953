import type { BackendDefinition } from '../types';
import { KSQLDB_QUERY_KIND, KsqlDbAdapter } from './adapter';
import { KsqlDbConfig } from './config';

export const ksqlDbBackend: BackendDefinition<KsqlDbConfig> = {
  kind: 'ksqldb',
  configSchema: KsqlDbConfig,
  presents: { [KSQLDB_QUERY_KIND]: { title: 'ksqlDB query', heading: 'Query', pending: 'Lag (records)', inFlight: 'In flight', oldest: 'Oldest unconsumed record', backlogInDescription: 'lag', listedOnly: 'transient', confirmPause: null, stopEffect: null } },
  // ksqlDB stores only whether a query is paused: who, why and until when live in the journal.
  pauseDetails: 'agent',
  deploys: 'statement',
  create: (config, context) => new KsqlDbAdapter(config, context),
};
