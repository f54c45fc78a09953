import type { BackendDefinition } from '../types';
import { RelationalMigratorAdapter } from './adapter';
import { RelationalMigratorConfig } from './config';

export const relationalMigratorBackend: BackendDefinition<RelationalMigratorConfig> = {
  kind: 'relational-migrator',
  configSchema: RelationalMigratorConfig,
  // The Migrator keeps no pause details: who paused, why and until when live in the journal.
  pauseDetails: 'agent',
  create: (config, context) => new RelationalMigratorAdapter(config, context),
};
