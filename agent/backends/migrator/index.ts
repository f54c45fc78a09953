import { urlField } from '../connectionFields';
import type { BackendDefinition } from '../types';
import { RELATIONAL_MIGRATOR_KIND, RelationalMigratorAdapter } from './adapter';
import { RelationalMigratorConfig } from './config';

export const relationalMigratorBackend: BackendDefinition<RelationalMigratorConfig> = {
  kind: 'relational-migrator',
  configSchema: RelationalMigratorConfig,
  presents: { [RELATIONAL_MIGRATOR_KIND]: {
      title: 'Relational Migrator sync job',
      heading: 'Sync job',
      pending: 'Pending',
      inFlight: 'In flight',
      oldest: 'Oldest pending',
      backlogInDescription: null,
      listedOnly: null,
      // As the Migrator's own "Pause CDC" dialog asks (product docs, "Pause and Resume Kafka Sync Jobs").
      confirmPause: {
        title: 'Pause CDC of {name}?',
        action: 'Pause CDC',
        warning: "You must resume the sync job within your source database's CDC retention period to ensure no events are lost.",
        deadline: "With this connection's CDC retention period, resume before {at} ({in}).",
        noDeadline: 'Set "cdcRetention" on this connection to see the deadline here, in the tree and in the status bar.',
      },
      stopEffect: null,
    } },
  // The Migrator keeps no pause details: who paused, why and until when live in the journal.
  pauseDetails: 'agent',
  connects: {
    title: 'Relational Migrator',
    detail: 'The sync jobs of one Relational Migrator; Kafka-backed jobs can pause.',
    fields: [
      urlField('Relational Migrator URL', 'http://127.0.0.1:8278'),
      { path: ['cdcRetention'], input: 'text', label: 'CDC retention', prompt: "Optional: how long the source database keeps its change log, e.g. 72h or 3d: a paused job's deadline. Leave empty if unknown.", placeholder: '72h', optional: true },
    ],
  },
  create: (config, context) => new RelationalMigratorAdapter(config, context),
};
