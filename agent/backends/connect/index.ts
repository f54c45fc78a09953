import { kafkaBrokersField, urlField } from '../connectionFields';
import type { BackendDefinition } from '../types';
import { KafkaConnectAdapter } from './adapter';
import { KafkaConnectConfig } from './config';

export const kafkaConnectBackend: BackendDefinition<KafkaConnectConfig> = {
  kind: 'kafka-connect',
  configSchema: KafkaConnectConfig,
  presents: { 'kafka-connect': { title: 'Kafka Connect connector', heading: 'Connector', pending: 'Lag (records)', inFlight: 'In flight', oldest: 'Oldest unconsumed record', backlogInDescription: 'lag', listedOnly: null, confirmPause: null, stopEffect: 'Kafka Connect shuts its tasks down and removes them until you resume it; {name} keeps its configuration and offsets. Resume starts the tasks again.' } },
  // Connect stores only the target state: who paused, why and until when live in the journal.
  pauseDetails: 'agent',
  connects: {
    title: 'Kafka Connect cluster',
    detail: 'Every connector of one Connect cluster, through the REST API of any of its workers.',
    fields: [urlField('Kafka Connect REST URL', 'http://127.0.0.1:8083'), kafkaBrokersField("sink connectors' lag and proof that a pause holds")],
  },
  create: (config, context) => new KafkaConnectAdapter(config, context),
};
