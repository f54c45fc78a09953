import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { PauseError } from '../../protocol/errors';
import { guardedSocketFactory } from './guardedSocket';

/**
 * How the agent reaches a Kafka cluster, as written in a connection of the connections file.
 * Shared by every backend whose stages are Kafka consumers (ksqlDB queries, Kafka Connect sink
 * connectors). Secrets never go in the file: SASL credentials are read from the environment
 * variables it names.
 */
export const KafkaAccess = z
  .object({
    brokers: z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'a broker is host:port')).min(1).describe('Bootstrap brokers, host:port.'),
    ssl: z.boolean().default(false).describe('TLS with the system trust store.'),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        usernameEnv: z.string().min(1).describe('Environment variable holding the SASL user name.'),
        passwordEnv: z.string().min(1).describe('Environment variable holding the SASL password.'),
      })
      .strict()
      .optional(),
    requestTimeoutSeconds: z
      .number()
      .min(1)
      .max(300)
      .default(10)
      .describe('How long one look at Kafka (a lag read, a peek) may take before it is reported as no answer; a listing or pause reply never waits longer on Kafka.'),
  })
  .strict();
export type KafkaAccess = z.output<typeof KafkaAccess>;

export function describeBrokers(access: KafkaAccess): string {
  return access.brokers.join(',');
}

/** The deadline of one look at Kafka, for withinDeadline(). */
export function lookDeadlineMs(access: KafkaAccess): number {
  return access.requestTimeoutSeconds * 1000;
}

/** A kafkajs client for the agent's read-only looks (admin requests and single fetches); it never joins a group. */
export function createKafka(access: KafkaAccess, clientId: string): Kafka {
  const config: KafkaConfig = {
    clientId,
    brokers: access.brokers,
    ssl: access.ssl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(3000, lookDeadlineMs(access)),
    requestTimeout: lookDeadlineMs(access),
    retry: { retries: 1, initialRetryTime: 200 },
    socketFactory: guardedSocketFactory,
  };
  if (access.sasl) config.sasl = saslOptions(access.sasl);
  return new Kafka(config);
}

function saslOptions(sasl: NonNullable<KafkaAccess['sasl']>): SASLOptions {
  const username = process.env[sasl.usernameEnv];
  const password = process.env[sasl.passwordEnv];
  if (username === undefined || password === undefined) {
    const missing = [username === undefined ? sasl.usernameEnv : null, password === undefined ? sasl.passwordEnv : null].filter(Boolean).join(' and ');
    throw new PauseError('BadRequest', `Kafka SASL credentials: set ${missing} in the agent's environment`);
  }
  return { mechanism: sasl.mechanism, username, password } as SASLOptions;
}
