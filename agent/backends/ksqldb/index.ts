import { kafkaBrokersField } from '../connectionFields';
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
  connects: {
    title: 'ksqlDB cluster',
    detail: 'The persistent queries of one ksqlDB cluster, through the REST API of its servers.',
    fields: [
      { path: ['servers'], input: 'list', label: 'ksqlDB server URLs', prompt: 'REST URLs of the servers of one ksqlDB cluster, comma-separated, e.g. http://127.0.0.1:8088. HTTP basic auth goes in the connections file.', placeholder: 'http://127.0.0.1:8088', initial: 'http://127.0.0.1:8088', optional: false },
      kafkaBrokersField("each query's lag and proof that a pause holds"),
    ],
  },
  create: (config, context) => new KsqlDbAdapter(config, context),
};
