import { urlField } from '../connectionFields';
import type { BackendDefinition } from '../types';
import { QueratorAdapter } from './adapter';
import { QueratorConfig } from './config';

export const queratorBackend: BackendDefinition<QueratorConfig> = {
  kind: 'querator',
  configSchema: QueratorConfig,
  // Each queue's stats and items are calls of their own.
  refreshesAfterAction: 'resource',
  presents: { 'querator': { title: 'Querator queue', heading: 'Queue', pending: 'Items waiting', inFlight: 'Items leased', oldest: 'Oldest item', backlogInDescription: null, listedOnly: null, confirmPause: null, stopEffect: null } },
  connects: {
    title: 'Querator server',
    detail: "The queues of one Querator server, paused by a gateway the agent runs in front of it.",
    fields: [
      urlField('Querator endpoint', 'http://127.0.0.1:2319', ['endpoint']),
      { path: ['gatewayPort'], input: 'number', label: 'Gateway port', prompt: 'The loopback port of the pausing gateway: producers and consumers call http://127.0.0.1:<port> instead of the server.', placeholder: '2320', optional: false },
    ],
  },
  create: (config, context) => new QueratorAdapter(config, context),
};
