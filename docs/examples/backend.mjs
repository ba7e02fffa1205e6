// A backend made of this module, in one process: it receives Dialogflow's notifications as Pub/Sub
// pushes and keeps each conversation in the store (`dialogflow-conversation/postgres`, here on its
// embedded default, PGlite in memory; give openStore a postgres:// URL for a server), makes its own
// calls through the gateway (create, complete), publishes the domain events from the store's outbox,
// and notices what no notification announces (the sweep, the purge). The loop (loop.mjs) talks to
// it only through what startBackend returns.
import { createServer } from 'node:http';
import { decodePushDelivery } from 'dialogflow-conversation';
import { fetchConversationThrough, openStore, startRelay } from 'dialogflow-conversation/postgres';
import { isLeft } from 'fp-ts/lib/Either.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const describe = (c) => `${c.lifecycleState} ${c.conversationStage} v${c.version}`;
const eventsOf = (events) => (events.length === 0 ? 'no change' : events.map((e) => e.type).join(', '));

/**
 * Starts the backend: its store and its push endpoint. `connect(gateway)` gives it the module's
 * gateway over Google's client, which it calls Dialogflow through; `log({ actor, conversation,
 * text, messageId })` receives its timeline; `flaky(notification)` says whether to fail a push once
 * (a database hiccup), so that Pub/Sub redelivers it.
 */
export const startBackend = async ({ log, flaky = () => false }) => {
  let gateway;
  const failedOnce = new Set();
  const say = (conversation, text, messageId, actor = 'backend') => log({ actor, conversation, text, messageId });

  // A notification about a conversation the store does not have yet is fetched through the
  // gateway (once per conversation, however many deliveries wait for it).
  const store = await openStore({ fetchConversation: (name) => fetchConversationThrough(gateway)(name) });
  if (isLeft(store)) throw new Error(store.left.message);
  const { right: conversations } = store;

  // The outbox: every change's events, published at least once, in version order per conversation.
  const relay = startRelay(conversations, {
    idleMs: 20,
    publish: async (events) => {
      for (const e of events) say(e.conversation, `published ${e.type} (event ${e.id.slice(e.id.lastIndexOf('#'))})`, undefined, 'outbox');
    },
    log: (line) => say(undefined, line, undefined, 'outbox'),
  });

  // The gateway says whether an error is worth retrying: only those are.
  const retrying = async (what, conversation, call) => {
    for (let attempt = 1; ; attempt++) {
      const result = await call();
      if (!isLeft(result) || !result.left.transient || attempt === 5) return result;
      const wait = 50 * 2 ** attempt;
      say(conversation, `${what}: ${result.left.codeName}, transient: again in ${wait} ms`);
      await sleep(wait);
    }
  };

  /** Brings the stored conversation up to what Dialogflow answered (compare-and-set, retried inside). */
  const keep = async (remote, why) => {
    const observed = await conversations.observe(remote);
    if (isLeft(observed)) return say(remote.name, `${why}: not stored: ${observed.left.message}`);
    const stored = await conversations.load(remote.name);
    if (!isLeft(stored) && stored.right !== undefined) {
      say(remote.name, `${why} → ${describe(stored.right)} (${eventsOf(observed.right.events)})`);
    }
    relay.wake();
  };

  /** A notification does not carry the end time: ask Dialogflow for it. */
  const learnEndTime = async (name) => {
    const current = await conversations.load(name);
    if (isLeft(current) || current.right?.lifecycleState !== 'COMPLETED' || current.right.endTime !== undefined) return;
    const refreshed = await retrying('refresh', name, () => gateway.refresh(current.right));
    if (isLeft(refreshed)) say(name, `refresh failed: ${refreshed.left.message}`);
    else if (refreshed.right.found) await keep(refreshed.right.change.conversation, 'refreshed for its end time');
  };

  const onPush = async (body) => {
    const decoded = decodePushDelivery(body);
    if (isLeft(decoded)) {
      say(undefined, `undecodable push, acknowledged and dropped: ${decoded.left.message}`);
      return 204;
    }
    const notification = decoded.right;
    const { messageId } = notification.delivery;
    const name = notification.conversation;
    if (flaky(notification) && !failedOnce.has(messageId)) {
      failedOnce.add(messageId);
      say(name, `${notification.type} ${messageId}: the store is busy, 503 (Pub/Sub will redeliver)`, messageId);
      return 503;
    }
    // Load (or fetch), apply, save with its events in the outbox: one call, and what Pub/Sub must do.
    const outcome = await conversations.handleNotification(notification);
    if (outcome.kind === 'applied') {
      const stored = await conversations.load(name);
      const state = isLeft(stored) || stored.right === undefined ? '' : ` → ${describe(stored.right)}`;
      const first = outcome.reason.includes(' first seen: ') ? ': first seen in a notification: fetched' : '';
      say(name, `${notification.type} ${messageId}${first}${state} (${eventsOf(outcome.events ?? [])})`, messageId);
      relay.wake();
      await learnEndTime(name);
    } else say(name, `${notification.type} ${messageId}: ${outcome.kind}, ${outcome.ack ? 'acknowledged' : 'redelivered'}`, messageId);
    return outcome.status;
  };

  const server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    let status;
    try {
      status = await onPush(JSON.parse(text));
    } catch (error) {
      say(undefined, `push failed, will be redelivered: ${error instanceof Error ? error.message : String(error)}`);
      status = 500;
    }
    response.writeHead(status).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  /** Every stored conversation (or those in one lifecycle state). */
  const listed = async (lifecycleState) => {
    const all = [];
    for await (const item of conversations.list({ lifecycleState })) {
      if (isLeft(item)) say(undefined, `list: ${item.left.message}`);
      else all.push(item.right);
    }
    return all;
  };

  return {
    pushUrl: `http://127.0.0.1:${server.address().port}/push`,

    connect(dialogflow) {
      gateway = dialogflow;
    },

    /** CreateConversation, safe to retry with a conversationId (the gateway makes it idempotent). */
    async create(input) {
      const created = await retrying('create', input.conversationId, () => gateway.create(input));
      if (isLeft(created)) {
        say(input.conversationId, `create failed: ${created.left.message}`);
        return created;
      }
      const { conversation } = created.right;
      const why = created.right.alreadyExisted ? 'created again: it existed, made by the same request' : 'created';
      // Stored with its ConversationCreated event, unless a CONVERSATION_STARTED push stored it first.
      const saved = await conversations.save(created.right, undefined);
      if (isLeft(saved)) say(conversation.name, `create: not stored: ${saved.left.message}`);
      else if (saved.right.saved) {
        say(conversation.name, `${why} → ${describe(conversation)} (${eventsOf(created.right.events)})`);
        relay.wake();
      } else await keep(conversation, why);
      return created;
    },

    /** CompleteConversation, then what Dialogflow says. */
    async complete(conversationId) {
      const known = (await listed()).find((c) => c.name.endsWith(`/conversations/${conversationId}`));
      if (known === undefined) return say(conversationId, 'complete: not a conversation this backend knows');
      const done = await retrying('complete', known.name, () => gateway.complete(known));
      if (isLeft(done)) say(known.name, `complete failed: ${done.left.message}`);
      else await keep(done.right.conversation, 'completed');
      return done;
    },

    /** What no notification announces: conversations in progress for more than 24 hours are completed. */
    async sweep(now) {
      const swept = await gateway.sweep(await listed('IN_PROGRESS'), { now });
      if (isLeft(swept)) return say(undefined, `sweep failed: ${swept.left.message}`);
      say(undefined, `sweep at ${now}: ${swept.right.outcomes.length} due, ${swept.right.skipped} not`);
      for (const { conversation, result } of swept.right.outcomes) {
        if (isLeft(result)) say(conversation.name, `sweep: ${result.left.message}`);
        else if (!result.right.found) say(conversation.name, 'sweep: gone from Dialogflow (NOT_FOUND)');
        else await keep(result.right.change.conversation, 'swept');
      }
    },

    /**
     * Completed conversations are purged 30 days after they end: refresh says which are gone. The
     * store keeps them: they are the backend's record; it remembers which Dialogflow no longer has.
     */
    async notePurged() {
      const gone = [];
      for (const conversation of await listed('COMPLETED')) {
        const refreshed = await retrying('refresh', conversation.name, () => gateway.refresh(conversation));
        if (isLeft(refreshed)) say(conversation.name, `refresh failed: ${refreshed.left.message}`);
        else if (!refreshed.right.found) {
          gone.push(conversation.name);
          say(conversation.name, 'gone from Dialogflow (NOT_FOUND): purged 30 days after its end; kept in the store as its record');
        }
      }
      return gone;
    },

    /** What the backend holds: every stored conversation, by name. */
    conversations: async () => new Map((await listed()).map((c) => [c.name, c])),

    /** How many events the outbox still holds. */
    pendingEvents: async () => {
      const pending = await conversations.pendingEvents();
      return isLeft(pending) ? Number.NaN : pending.right;
    },

    close: async () => {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await relay.stop();
      await conversations.close();
    },
  };
};
