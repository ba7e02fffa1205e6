import { createServer, type IncomingMessage, type Server } from 'node:http';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  applyNotification,
  type Conversation,
  type ConversationDomainEvent,
  type ConversationName,
  conversationKey,
  decodeConversation,
  decodePushDelivery,
} from '../../src/index.js';

/** Where conversations live: any database with a compare-and-set on a version. */
export interface ConversationStore {
  load(key: string): Promise<Conversation | undefined>;
  /** Saves `next` if the stored version is still `expected` (`undefined`: nothing stored yet); false on a conflict. */
  save(key: string, next: Conversation, expected: number | undefined): Promise<boolean>;
}

export interface PushHandlerOptions {
  readonly store: ConversationStore;
  /** GetConversation, for a notification about a conversation the store does not have yet. */
  readonly fetchConversation: (name: ConversationName) => Promise<unknown>;
  /** Where the domain events go once saved: an outbox, a bus. */
  readonly publish: (events: ReadonlyArray<ConversationDomainEvent>) => Promise<void>;
  readonly log: (message: string) => void;
  /** How often to retry on a conflict before letting Pub/Sub redeliver. */
  readonly attempts?: number;
}

/** One key per conversation however its name is spelled: notifications leave out the location. */
export const storeKey = (name: ConversationName): string => conversationKey(name) ?? name;

/**
 * Handles one push and says what Pub/Sub should do: a 2xx status acknowledges the message, anything
 * else has it redelivered later. Duplicates and any order are fine: applying is idempotent and
 * order-independent, so the handler only has to save with a compare-and-set and retry on a conflict.
 */
export const handlePush = async (body: unknown, options: PushHandlerOptions): Promise<number> => {
  const decoded = decodePushDelivery(body);
  if (isLeft(decoded)) {
    // Redelivering will not fix it: acknowledge, and keep it for a person to look at.
    options.log(`undecodable push, dropped: ${decoded.left.message}`);
    return 204;
  }
  const notification = decoded.right;
  const key = storeKey(notification.conversation);
  for (let attempt = 0; attempt < (options.attempts ?? 5); attempt++) {
    const stored = await options.store.load(key);
    let current = stored;
    if (current === undefined) {
      // First news of this conversation: fetch it. A network failure throws: the message is redelivered.
      const fetched = decodeConversation(await options.fetchConversation(notification.conversation));
      if (isLeft(fetched)) {
        options.log(`${notification.conversation} could not be read, push dropped: ${fetched.left.message}`);
        return 204;
      }
      current = fetched.right;
    }
    const applied = applyNotification(current, notification);
    if (isLeft(applied)) {
      options.log(`push dropped: ${applied.left.message}`);
      return 204;
    }
    const { conversation, events } = applied.right;
    if (stored !== undefined && events.length === 0) return 204; // a duplicate, or nothing to do
    if (await options.store.save(key, conversation, stored?.version)) {
      // Published after the save: at least once, like Pub/Sub. Consumers can dedupe on (key, version).
      await options.publish(events);
      return 204;
    }
    // Someone saved first: read again, apply again.
  }
  return 503; // still contended: Pub/Sub will redeliver
};

const MAX_BODY = 1 << 20;

const readBody = async (request: IncomingMessage): Promise<string | undefined> => {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** The push endpoint: `POST` a Pub/Sub push body. */
export const pushServer = (options: PushHandlerOptions): Server =>
  createServer(async (request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    try {
      const text = await readBody(request);
      if (text === undefined) {
        response.writeHead(413).end();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        response.writeHead(400).end(); // not from Pub/Sub
        return;
      }
      response.writeHead(await handlePush(body, options)).end();
    } catch (error) {
      // The store or GetConversation failed: a nack, so Pub/Sub redelivers later.
      options.log(`push failed, will be redelivered: ${error instanceof Error ? error.message : String(error)}`);
      response.writeHead(500).end();
    }
  });
