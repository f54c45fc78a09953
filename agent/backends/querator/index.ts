import type { BackendDefinition } from '../types';
import { QueratorAdapter } from './adapter';
import { QueratorConfig } from './config';

export const queratorBackend: BackendDefinition<QueratorConfig> = {
  kind: 'querator',
  configSchema: QueratorConfig,
  create: (config, context) => new QueratorAdapter(config, context),
};
