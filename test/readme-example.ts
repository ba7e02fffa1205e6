// The README's usage example, verbatim between the markers (test/readme-example.test.ts checks the
// README holds it), so the README cannot drift from code that runs. Imports point at the source
// here, at the package name in the README.
// README-EXAMPLE-START
import { isLeft } from 'fp-ts/lib/Either.js';
import { complete, handOff, parseConversation, stringifyConversation, toPersistedSnapshot } from '../src/index.js';

const body = `{
  "name": "projects/acme/locations/global/conversations/c-42",
  "lifecycle_state": "IN_PROGRESS",
  "conversationProfile": "projects/acme/locations/global/conversationProfiles/support",
  "startTime": "2026-11-23T10:15:30.123+05:30",
  "conversationStage": "VIRTUAL_AGENT_STAGE",
  "telephonyConnectionInfo": { "dialedNumber": "+16502530000" }
}`;

const decoded = parseConversation(body);
if (isLeft(decoded)) throw new Error(decoded.left.message); // every problem, with its path

const handed = handOff(decoded.right, '2026-11-23T05:00:00Z');
if (isLeft(handed)) throw new Error(handed.left.message); // e.g. IllegalCommand once completed

const done = complete(handed.right.conversation, '2026-11-23T05:20:00Z');
if (isLeft(done)) throw new Error(done.left.message);

const { conversation, events } = done.right;
conversation.lifecycleState; // 'COMPLETED'
conversation.version; // 2: one per change, for optimistic concurrency
events.map((e) => e.type); // ['ConversationCompleted']: publish these
stringifyConversation(conversation); // canonical ProtoJSON, unknown fields kept
toPersistedSnapshot(conversation); // what to store, with its version: it also keeps what the resource does not (recorded errors)

// README-EXAMPLE-END

export { conversation, events };
