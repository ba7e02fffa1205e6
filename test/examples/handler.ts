// The handler of docs/getting-started.md, verbatim between the markers, so the page cannot drift
// from code that runs. (Imports point at the source here, at the package name in the docs.)
// HANDLER-START
import { type Either, isLeft, right } from 'fp-ts/lib/Either.js';
import {
  applyNotification,
  type Conversation,
  type ConversationChange,
  type ConversationDomainEvent,
  type ConversationError,
  complete,
  conversationKey,
  decodePushDelivery,
  fromPersistedSnapshot,
  observe,
  parseConversation,
  stringifyConversation,
  stringifyPersistedSnapshot,
} from '../../src/index.js';

/**
 * Your table: per conversation, its persisted snapshot (JSON text: the machine's state and context,
 * recorded errors and kept fields included) and its version. Here a Map; in production a table with
 * a `version` column, written with `UPDATE … WHERE key = $1 AND version = $expected`.
 */
export const table = new Map<string, { readonly version: number; readonly snapshot: string }>();
/** Your message bus. Here an array; in production an outbox table written in the same transaction. */
export const published: ConversationDomainEvent[] = [];

const load = (key: string): Conversation | undefined => {
  const row = table.get(key);
  if (row === undefined) return undefined;
  const stored = fromPersistedSnapshot(JSON.parse(row.snapshot));
  if (isLeft(stored)) throw new Error(`the row of ${key} is damaged: ${stored.left.message}`); // never silently replaced
  return stored.right;
};

/** Saves only if the row is still at `expected` (undefined: still absent): optimistic concurrency. */
const save = (key: string, expected: number | undefined, next: Conversation): boolean => {
  if (table.get(key)?.version !== expected) return false;
  table.set(key, { version: next.version, snapshot: stringifyPersistedSnapshot(next) });
  return true;
};

/**
 * Reads the conversation, decides, and saves the change with a compare-and-set; when another
 * instance saved first, reads it again and decides again. Events are published only once saved.
 */
const change = (
  key: string,
  decide: (current: Conversation | undefined) => Either<ConversationError, ConversationChange> | undefined,
): Either<ConversationError, ConversationChange> | undefined => {
  for (;;) {
    const current = load(key);
    const result = decide(current);
    if (result === undefined || isLeft(result)) return result;
    const { conversation, events } = result.right;
    if (events.length === 0 && current !== undefined) return result; // nothing new: nothing to save
    if (save(key, current?.version, conversation)) {
      published.push(...events);
      return result;
    }
  }
};

/** The conversation as it now is; a refused change (a Regression, an IllegalCommand) is a 409 that says why. */
const answer = (result: Either<ConversationError, ConversationChange> | undefined, unknown: Response, done?: Response): Response => {
  if (result === undefined) return unknown;
  if (isLeft(result)) return Response.json({ error: result.left.type, message: result.left.message }, { status: 409 });
  return done ?? new Response(stringifyConversation(result.right.conversation), { headers: { 'content-type': 'application/json' } });
};
const notFound = () => Response.json({ error: 'no such conversation' }, { status: 404 });

/**
 * PUT  /conversations                  body: a Conversation as Dialogflow returns it (GetConversation)
 * POST /pubsub/push                    a Pub/Sub push of Dialogflow's notifications
 * POST /{conversation name}:complete
 * A fetch-style handler: Node 18+, Bun, Deno, Hono, Next.js route handlers...
 */
export const handle = async (request: Request): Promise<Response> => {
  const { pathname } = new URL(request.url);

  if (request.method === 'PUT' && pathname === '/conversations') {
    const fetched = parseConversation(await request.text());
    if (isLeft(fetched)) return Response.json({ errors: fetched.left.errors }, { status: 400 }); // every problem, with its path
    const remote = fetched.right;
    // A new conversation is stored as fetched; a known one only moves forward (`observe`): a stale
    // fetch (a resource older than what is held) is a Regression, and changes nothing.
    const key = conversationKey(remote.name ?? '') ?? '';
    const result = change(key, (current) =>
      current === undefined ? right({ conversation: remote, events: [] }) : observe(current, remote),
    );
    return answer(result, notFound());
  }

  if (request.method === 'POST' && pathname === '/pubsub/push') {
    const decoded = decodePushDelivery(await request.json().catch(() => undefined));
    // A push that can never be read is acknowledged (2xx): redelivering it would not help.
    if (isLeft(decoded)) return Response.json({ ignored: decoded.left.message }, { status: 200 });
    const notification = decoded.right;
    const key = conversationKey(notification.conversation) ?? '';
    // Pub/Sub delivers at least once, in any order: applying a notification again changes nothing,
    // and a recorded error is recognised by its Pub/Sub message, so it is never counted twice.
    const result = change(key, (current) => (current === undefined ? undefined : applyNotification(current, notification)));
    // Not known yet: 503 asks Pub/Sub to redeliver it later, once it is (PUT it after GetConversation,
    // or let `serve` fetch it). Applied, or already applied: 204 acknowledges it.
    return answer(result, Response.json({ error: 'unknown conversation' }, { status: 503 }), new Response(null, { status: 204 }));
  }

  if (request.method === 'POST' && pathname.endsWith(':complete')) {
    const key = conversationKey(pathname.slice(1, -':complete'.length)) ?? '';
    const result = change(key, (current) => (current === undefined ? undefined : complete(current, new Date().toISOString())));
    return answer(result, notFound()); // completing again is accepted, with no new event
  }

  return Response.json({ error: 'not found' }, { status: 404 });
};
// HANDLER-END
