import * as E from 'fp-ts/lib/Either.js';
import type { InvalidArgument } from './core.js';
import { describe, invalidArgument } from './core.js';

/** The options that point Google's client at a location's endpoint. */
export interface DialogflowClientOptions {
  readonly apiEndpoint: string;
}

/** A location ID as Google Cloud spells them: `global`, `us-central1`, `europe-west1`. */
const isLocationId = (s: string): boolean => {
  if (s.length === 0 || s.length > 63) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lower = c >= 97 && c <= 122;
    const digit = c >= 48 && c <= 57;
    if (!(lower || (i > 0 && (digit || c === 45)))) return false;
  }
  return s.charCodeAt(s.length - 1) !== 45;
};

/** The location of a resource name or parent: the segment after `locations/`, `global` when there is none. */
const locationOf = (name: string): string | undefined => {
  const parts = name.split('/');
  if (parts[0] !== 'projects' || parts.length < 2 || parts[1] === '') return undefined;
  return parts[2] === 'locations' ? parts[3] : 'global';
};

/**
 * The client options for a location: `dialogflow.googleapis.com` for `global`,
 * `{location}-dialogflow.googleapis.com` for a regional one (a regional conversation is only
 * reachable there). Takes a location ID, or a parent or resource name to read it from.
 *
 * @example
 * ```ts
 * clientOptionsFor('europe-west1'); // right({ apiEndpoint: 'europe-west1-dialogflow.googleapis.com' })
 * clientOptionsFor('projects/acme/locations/global/conversations/c-1'); // right({ apiEndpoint: 'dialogflow.googleapis.com' })
 * const client = new v2.ConversationsClient(options.right);
 * ```
 */
export const clientOptionsFor = (location: string): E.Either<InvalidArgument, DialogflowClientOptions> => {
  const id = typeof location === 'string' && location.startsWith('projects/') ? locationOf(location) : location;
  if (typeof id !== 'string' || !isLocationId(id)) {
    return E.left(
      invalidArgument([
        {
          path: 'location',
          message: `expected a location like global or europe-west1 (lowercase letters, digits and "-"), or a name under projects/{p}/locations/{l}, got ${describe(location)}`,
        },
      ]),
    );
  }
  return E.right(Object.freeze({ apiEndpoint: id === 'global' ? 'dialogflow.googleapis.com' : `${id}-dialogflow.googleapis.com` }));
};

/**
 * `HOST:PORT` split, or why not: a host (an IPv6 address in brackets, `[::1]:50051`) and a port from
 * 1 to 65535. Scanned by hand: no regular expression runs on the input.
 *
 * @internal
 */
export const parseEndpoint = (endpoint: string): E.Either<string, { readonly host: string; readonly port: number }> => {
  const text = typeof endpoint === 'string' ? endpoint : '';
  const colon = text.lastIndexOf(':');
  const rawHost = colon < 0 ? '' : text.slice(0, colon);
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  const portText = colon < 0 ? '' : text.slice(colon + 1);
  const digits = portText.length >= 1 && portText.length <= 5 && [...portText].every((c) => c >= '0' && c <= '9');
  const port = digits ? Number(portText) : Number.NaN;
  if (host === '' || !(port >= 1 && port <= 65535)) return E.left(`expected HOST:PORT, got ${describe(endpoint)}`);
  return E.right(Object.freeze({ host, port }));
};
