// A backend made of this module, in one process: it receives Dialogflow's notifications as Pub/Sub
// pushes, keeps each conversation (a Map here; a database in production), makes its own calls
// through the gateway (create, complete), and notices what no notification announces (the sweep,
// the purge). The loop (loop.mjs) talks to it only through what startBackend returns, so another
// backend with the same shape, a service with a real store, can take its place.
import { createServer } from 'node:http';
import { applyNotification, conversationKey, decodePushDelivery, observe } from 'dialogflow-conversation';
import { isLeft } from 'fp-ts/lib/Either.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const describe = (c) => `${c.lifecycleState} ${c.conversationStage} v${c.version}`;
const eventsOf = (events) => (events.length === 0 ? 'no change' : events.map((e) => e.type).join(', '));

/**
 * Starts the backend's push endpoint. `connect(gateway)` gives it the module's gateway over Google's
 * client, which it calls Dialogflow through; `log({ actor, conversation, text, messageId })`
 * receives its timeline; `flaky(notification)` says whether to fail a push once (a database
 * hiccup), so that Pub/Sub redelivers it.
 */
export const startBackend = async ({ log, flaky = () => false }) => {
  let gateway;
  const store = new Map();
  const failedOnce = new Set();
  const say = (conversation, text, messageId) => log({ actor: 'backend', conversation, text, messageId });

  // One change at a time per conversation: a push, a create and a sweep may meet.
  const queues = new Map();
  const serialized = (key, task) => {
    const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
    queues.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  };

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

  const keep = (key, change, why) => {
    store.set(key, change.conversation);
    say(key, `${why} → ${describe(change.conversation)} (${eventsOf(change.events)})`);
  };

  /** A notification does not carry the end time: ask Dialogflow for it. */
  const learnEndTime = async (key) => {
    const current = store.get(key);
    if (current?.lifecycleState !== 'COMPLETED' || current.endTime !== undefined) return;
    const refreshed = await retrying('refresh', key, () => gateway.refresh(current));
    if (isLeft(refreshed)) say(key, `refresh failed: ${refreshed.left.message}`);
    else if (!refreshed.right.found) store.delete(key);
    else keep(key, refreshed.right.change, 'refreshed for its end time');
  };

  const onPush = async (body) => {
    const decoded = decodePushDelivery(body);
    if (isLeft(decoded)) {
      say(undefined, `undecodable push, acknowledged and dropped: ${decoded.left.message}`);
      return 204;
    }
    const notification = decoded.right;
    const { messageId } = notification.delivery;
    const key = conversationKey(notification.conversation);
    if (flaky(notification) && !failedOnce.has(messageId)) {
      failedOnce.add(messageId);
      say(key, `${notification.type} ${messageId}: the store is busy, 503 (Pub/Sub will redeliver)`, messageId);
      return 503;
    }
    return serialized(key, async () => {
      let current = store.get(key);
      if (current === undefined) {
        // First news of a conversation this backend did not create (a call Dialogflow answered).
        const fetched = await retrying('get', key, () => gateway.get(notification.conversation));
        if (isLeft(fetched)) return fetched.left.transient ? 503 : 204;
        if (!fetched.right.found) return 204;
        current = fetched.right.conversation;
        say(key, `first seen in a notification: fetched → ${describe(current)}`);
      }
      const applied = applyNotification(current, notification);
      if (isLeft(applied)) {
        say(key, `${notification.type} ${messageId}: cannot apply, dropped: ${applied.left.message}`, messageId);
        return 204;
      }
      store.set(key, applied.right.conversation);
      say(
        key,
        `${notification.type} ${messageId} → ${describe(applied.right.conversation)} (${eventsOf(applied.right.events)})`,
        messageId,
      );
      await learnEndTime(key);
      return 204;
    });
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
      const key = conversationKey(created.right.conversation.name);
      const why = created.right.alreadyExisted ? 'created again: it existed, made by the same request' : 'created';
      await serialized(key, () => {
        const known = store.get(key);
        // A CONVERSATION_STARTED push may have come first: bring what it fetched up to the response.
        if (known === undefined) return keep(key, created.right, why);
        const merged = observe(known, created.right.conversation);
        if (isLeft(merged)) say(key, `create: ${merged.left.message}`);
        else keep(key, merged.right, why);
      });
      return created;
    },

    /** CompleteConversation, then what Dialogflow says. */
    async complete(conversationId) {
      const key = [...store.keys()].find((k) => k.endsWith(`/conversations/${conversationId}`));
      if (key === undefined) return say(conversationId, 'complete: not a conversation this backend knows');
      return serialized(key, async () => {
        const done = await retrying('complete', key, () => gateway.complete(store.get(key)));
        if (isLeft(done)) say(key, `complete failed: ${done.left.message}`);
        else keep(key, done.right, 'completed');
        return done;
      });
    },

    /** What no notification announces: conversations in progress for more than 24 hours are completed. */
    async sweep(now) {
      const swept = await gateway.sweep([...store.values()], { now });
      if (isLeft(swept)) return say(undefined, `sweep failed: ${swept.left.message}`);
      say(undefined, `sweep at ${now}: ${swept.right.outcomes.length} due, ${swept.right.skipped} not`);
      for (const { conversation, result } of swept.right.outcomes) {
        const key = conversationKey(conversation.name);
        await serialized(key, () => {
          if (isLeft(result)) say(key, `sweep: ${result.left.message}`);
          else if (!result.right.found) store.delete(key);
          else keep(key, result.right.change, 'swept');
        });
      }
    },

    /** Completed conversations are purged 30 days after they end: refresh says which are gone. */
    async dropPurged() {
      for (const [key, conversation] of store) {
        if (conversation.lifecycleState !== 'COMPLETED') continue;
        await serialized(key, async () => {
          const refreshed = await retrying('refresh', key, () => gateway.refresh(conversation));
          if (isLeft(refreshed)) say(key, `refresh failed: ${refreshed.left.message}`);
          else if (!refreshed.right.found) {
            store.delete(key);
            say(key, 'gone from Dialogflow (NOT_FOUND): purged 30 days after its end, dropped here too');
          }
        });
      }
    },

    /** What the backend holds, by key. */
    conversations: () => new Map(store),

    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
