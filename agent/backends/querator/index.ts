import type { BackendDefinition } from '../types';
import { QueratorAdapter } from './adapter';
import { QueratorConfig } from './config';

export const queratorBackend: BackendDefinition<QueratorConfig> = {
  kind: 'querator',
  configSchema: QueratorConfig,
  presents: { 'querator': { title: 'Querator queue', heading: 'Queue', pending: 'Items waiting', inFlight: 'Items leased', oldest: 'Oldest item', backlogInDescription: null, listedOnly: null, confirmPause: null, stopEffect: null } },
  create: (config, context) => new QueratorAdapter(config, context),
};
