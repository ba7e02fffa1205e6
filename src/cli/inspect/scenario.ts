import { createActor, type InspectionEvent, type Observer } from 'xstate';
import { type ConversationMachineEvent, conversationMachine } from '../../../machines/conversation.machine.js';
import type { InspectSession } from './session.js';

/** The conversation the built-in scenario plays: a profile with a virtual agent. */
export const SCENARIO_INPUT = Object.freeze({
  name: 'projects/acme-contact-center/locations/global/conversations/inspect-demo',
  conversationProfile: 'projects/acme-contact-center/locations/global/conversationProfiles/support-en-us',
  virtualAgent: true,
  startTime: '2026-11-23T10:15:30Z',
});

/** What happens to it, in order. */
export const SCENARIO_EVENTS: ReadonlyArray<ConversationMachineEvent> = Object.freeze([
  { type: 'handOff', at: '2026-11-23T10:17:02Z' },
  { type: 'complete', at: '2026-11-23T10:31:45Z' },
]);

/**
 * The built-in scenario: a conversation is created on a profile with a virtual agent (the
 * inspector shows `starting` choosing `VIRTUAL_AGENT_STAGE`), handed off to a human agent, and
 * completed, as one live actor of the conversation machine.
 */
export const builtInScenario: InspectSession = {
  title: `a conversation created, handed off and completed (${SCENARIO_INPUT.name})`,
  play: async (inspect: Observer<InspectionEvent>, log) => {
    const actor = createActor(conversationMachine, { input: SCENARIO_INPUT, inspect }).start();
    const report = (step: string): void => {
      const { value, context } = actor.getSnapshot();
      log(`${step.padEnd(9)} ${value.lifecycle} ${value.stage} version=${context.version}`);
    };
    report('created');
    for (const event of SCENARIO_EVENTS) {
      actor.send(event);
      report(event.type);
    }
    // Left running: the inspector shows it as it is, completed, until the command stops.
    return { badLines: 0 };
  },
};
