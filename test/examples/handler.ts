// The handler of docs/getting-started.md, verbatim between the markers, so the page cannot drift
// from code that runs. (Imports point at the source here, at the package name in the docs.)
// HANDLER-START
import { isLeft } from 'fp-ts/lib/Either.js';
import { type Conversation, type ConversationDomainEvent, complete, parseConversation, stringifyConversation } from '../../src/index.js';

/** Your store. Here a Map; in production a table with a `version` column. */
const store = new Map<string, Conversation>();
/** Your message bus. Here an array; in production Pub/Sub, Kafka, an outbox table... */
export const published: ConversationDomainEvent[] = [];

/** Saves only if nobody saved a newer version meanwhile (optimistic concurrency). */
const save = (expectedVersion: number, next: Conversation): boolean => {
  const key = next.name ?? '';
  if ((store.get(key)?.version ?? 0) !== expectedVersion) return false;
  store.set(key, next);
  return true;
};

const json = { 'content-type': 'application/json' };

/**
 * PUT  /conversations           body: a Conversation as Dialogflow returns it (GetConversation)
 * POST /{conversation name}:complete
 * A fetch-style handler: Node 18+, Bun, Deno, Hono, Next.js route handlers...
 */
export const handle = async (request: Request): Promise<Response> => {
  const { pathname } = new URL(request.url);

  if (request.method === 'PUT' && pathname === '/conversations') {
    const decoded = parseConversation(await request.text());
    if (isLeft(decoded)) return Response.json({ errors: decoded.left.errors }, { status: 400 }); // every problem, with its path
    const conversation = decoded.right;
    store.set(conversation.name ?? '', conversation);
    return new Response(stringifyConversation(conversation), { headers: json });
  }

  const completing = /^\/(projects\/.+):complete$/.exec(pathname);
  if (request.method === 'POST' && completing?.[1] !== undefined) {
    const current = store.get(completing[1]);
    if (current === undefined) return Response.json({ error: 'no such conversation' }, { status: 404 });
    const result = complete(current, new Date().toISOString());
    if (isLeft(result)) return Response.json({ error: result.left.type, message: result.left.message }, { status: 409 });
    const { conversation, events } = result.right;
    if (events.length > 0 && !save(current.version, conversation)) {
      return Response.json({ error: 'changed meanwhile: read it again' }, { status: 409 });
    }
    published.push(...events); // ConversationCompleted, or nothing when it was already completed
    return new Response(stringifyConversation(conversation), { headers: json });
  }

  return Response.json({ error: 'not found' }, { status: 404 });
};
// HANDLER-END
