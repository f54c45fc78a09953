import { z } from 'zod';

/** Fields every connection in the connections file has, whatever its backend. */
export const connectionName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a connection name is 1-64 letters, digits, "_", "." or "-"');

/**
 * A backend's URL. One with a user name or password in it would be echoed in every status
 * line, snapshot and log, so it is refused; credentials come the backend's own way.
 */
export function endpointUrl(options?: Parameters<typeof z.url>[0]) {
  return z.url(options).refine((text) => {
    const url = new URL(text);
    return url.username === '' && url.password === '';
  }, 'no user name or password in the URL: it would show in status output and logs; give credentials the backend\'s own way (an AWS profile, or "auth" with environment variables)');
}
