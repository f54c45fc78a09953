import { z } from 'zod';
import type { ConnectionField } from '../../protocol/connections';

/** Fields every connection in the connections file has, whatever its backend (the editor checks names with the same rule). */
export { connectionName } from '../../protocol/connections';

/**
 * A backend's URL. One with a user name or password in it would be echoed in every status
 * line, snapshot and log, so it is refused; credentials come the backend's own way.
 */
export function endpointUrl(options?: Parameters<typeof z.url>[0]) {
  return z.url(options).refine((text) => {
    // zod runs this even when the URL check failed, which has already said why.
    if (!URL.canParse(text)) return true;
    const url = new URL(text);
    return url.username === '' && url.password === '';
  }, 'no user name or password in the URL: it would show in status output and logs; give credentials the backend\'s own way (an AWS profile, or "auth" with environment variables)');
}

/** The Add Connection question for a backend's REST URL, starting at `example` (the usual local one). */
export function urlField(label: string, example: string, path: string[] = ['url']): ConnectionField {
  return { path, input: 'url', label, prompt: `${label}, e.g. ${example} (no user name or password in it)`, placeholder: example, initial: example, optional: false };
}

/**
 * The optional Add Connection question for the Kafka cluster a backend's stages consume
 * (KafkaAccess's brokers); `gives` says what the agent shows with it.
 */
export function kafkaBrokersField(gives: string): ConnectionField {
  return {
    path: ['kafka', 'brokers'],
    input: 'list',
    label: 'Kafka bootstrap brokers',
    prompt: `Optional: host:port of the Kafka brokers, comma-separated, for ${gives}. Leave empty to skip; SASL and TLS go in the connections file.`,
    placeholder: '127.0.0.1:9092',
    optional: true,
  };
}
