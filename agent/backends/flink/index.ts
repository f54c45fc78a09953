import { kafkaBrokersField, urlField } from '../connectionFields';
import type { BackendDefinition } from '../types';
import { FlinkAdapter } from './adapter';
import { FlinkConfig } from './config';

export const flinkBackend: BackendDefinition<FlinkConfig> = {
  kind: 'flink',
  configSchema: FlinkConfig,
  presents: { 'flink': { title: 'Flink job', heading: 'Flink job', pending: 'Lag (records)', inFlight: 'In flight', oldest: 'Oldest unconsumed record', backlogInDescription: 'lag', listedOnly: null, confirmPause: null, stopEffect: null } },
  // Flink keeps no who / why / until of a stop: they live in the journal.
  pauseDetails: 'agent',
  // A job is a whole script: its tables, then the INSERT INTO that runs.
  deploys: 'script',
  connects: {
    title: 'Flink session cluster',
    detail: 'The jobs of one Flink session cluster; resume and deploy go through its SQL Gateway.',
    fields: [
      urlField('Flink JobManager REST URL', 'http://127.0.0.1:8081'),
      urlField('Flink SQL Gateway URL', 'http://127.0.0.1:8083', ['gatewayUrl']),
      kafkaBrokersField("each job's lag and proof that a pause holds"),
    ],
  },
  create: (config, context) => new FlinkAdapter(config, context),
};
