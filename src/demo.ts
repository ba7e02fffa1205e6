/**
 * A short demonstration: plays one conversation through its life (created with a virtual agent,
 * handed off to a human agent, completed, completed again) and prints each state with its
 * canonical ProtoJSON. Run with `npm start`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import {
  type Conversation,
  type ConversationChange,
  type ConversationError,
  complete,
  createConversation,
  handOff,
  stringifyConversation,
} from './index.js';

const print = (step: string, change: ConversationChange): Conversation => {
  const { conversation, events } = change;
  console.log(`\n== ${step}`);
  console.log(`   state:   ${conversation.lifecycleState} / ${conversation.conversationStage} (version ${conversation.version})`);
  console.log(`   events:  ${events.length === 0 ? '(none: nothing changed)' : events.map((e) => e.type).join(', ')}`);
  console.log(`   json:    ${stringifyConversation(conversation)}`);
  return conversation;
};

const fail = (error: ConversationError): never => {
  console.error(`error: ${error.type}: ${error.message}`);
  process.exit(1);
};

pipe(
  createConversation({
    name: 'projects/acme-contact-center/locations/global/conversations/demo-001',
    conversationProfile: 'projects/acme-contact-center/locations/global/conversationProfiles/support-en-us',
    virtualAgent: true,
    startTime: '2026-11-23T10:15:30.123456+01:00',
  }),
  E.map((change) => print('created (the profile has a virtual agent)', change)),
  E.chain((c) => handOff(c, '2026-11-23T09:17:02.5Z')),
  E.map((change) => print('handed off to a human agent', change)),
  E.chain((c) => complete(c, '2026-11-23T09:31:45Z')),
  E.map((change) => print('completed', change)),
  E.chain((c) => complete(c, '2026-11-23T09:40:00Z')),
  E.map((change) => print('completed again (accepted, changes nothing)', change)),
  E.chain((c) => handOff(c)),
  E.fold(
    (error) => console.log(`\n== handing off again is refused\n   ${error.type}: ${error.message}`),
    () => fail({ type: 'InvalidArgument', message: 'a completed conversation was handed off', errors: [] }),
  ),
);
