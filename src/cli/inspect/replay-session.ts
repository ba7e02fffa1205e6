import { setTimeout as sleep } from 'node:timers/promises';
import { type Actor, createActor } from 'xstate';
import { conversationMachine } from '../../../machines/conversation.machine.js';
import type { Conversation } from '../../conversation/conversation.js';
import type { ConversationDomainEvent } from '../../conversation/events.js';
import { toMachineEvent } from '../../conversation/events.js';
import { toMachineSnapshot } from '../../conversation/snapshot.js';
import { type ConversationName, sameConversation } from '../../wire/conversation-name.js';
import { cannotRead, type Input } from '../input.js';
import { UsageError } from '../io.js';
import { finalLines, TIMELINE_HEADER, Timeline } from '../replay/format.js';
import { conversationKey, Replayer, type ReplayStep } from '../replay/replayer.js';
import { errorCode } from '../system-error.js';
import { InputScanner } from '../validate/scanner.js';
import type { InspectSession } from './session.js';

/** How a replay log is played into the inspector. */
export interface ReplaySessionOptions {
  /** The log, read as it is played (a file, or standard input: see `openInput`), and how it is named in what is printed. */
  readonly input: Input;
  /** Milliseconds between two steps of the actors (a start, an event), so a person can follow; 0 for none. */
  readonly delayMs: number;
  /** Play only this conversation (either spelling of its name); all of them when absent. */
  readonly conversation?: ConversationName | undefined;
  /** Stops the playing (Ctrl-C). */
  readonly signal: AbortSignal;
}

type ConversationActor = Actor<typeof conversationMachine>;

/**
 * A replay log played as live actors: the log goes through the aggregate as `replay` plays it, and
 * each conversation becomes an actor of the conversation machine, started from its first fetched
 * resource (`toMachineSnapshot`) and sent the machine event of every domain event the log causes
 * (`toMachineEvent`), in order, `delayMs` apart. Actors are named after their conversation, and
 * left running at the end, as the conversations are, for the inspector to show.
 */
export const replaySession = (options: ReplaySessionOptions): InspectSession => ({
  title: `${options.input.source}, ${options.conversation === undefined ? 'one actor per conversation' : `the conversation ${options.conversation}`}${
    options.delayMs > 0 ? `, a step every ${options.delayMs} ms` : ''
  }`,
  play: async (inspect, log) => {
    const timeline = new Timeline();
    const queue: ReplayStep[] = [];
    const replayer = new Replayer((step) => queue.push(step));
    const scanner = new InputScanner({ text: replayer.line, problem: replayer.problem }, 'ndjson');
    const actors = new Map<string, ConversationActor>();
    const chosen = (name: ConversationName | undefined): boolean =>
      options.conversation === undefined || (name !== undefined && sameConversation(name, options.conversation));
    let moves = 0;
    /** Waits before every move of an actor but the first. */
    const pace = async (): Promise<void> => {
      if (moves++ > 0 && options.delayMs > 0) await sleep(options.delayMs, undefined, { signal: options.signal });
    };
    const send = async (c: Conversation, events: ReadonlyArray<ConversationDomainEvent>): Promise<void> => {
      const actor = c.name === undefined ? undefined : actors.get(conversationKey(c.name));
      if (actor === undefined) return;
      for (const event of events) {
        const machineEvent = toMachineEvent(event);
        if (machineEvent === undefined) continue;
        await pace();
        actor.send(machineEvent);
      }
    };
    const play = async (): Promise<void> => {
      for (const step of queue.splice(0)) {
        const about = step.type === 'started' || step.type === 'applied' ? step.conversation.name : undefined;
        const shown =
          step.type === 'invalid' ||
          step.type === 'unfetched' ||
          step.type === 'dropped' ||
          chosen(about ?? (step.type === 'held' || step.type === 'no-op' ? step.name : undefined));
        if (shown) for (const line of timeline.format(step)) log(line);
        if (step.type === 'started' && chosen(about) && about !== undefined) {
          await pace();
          actors.set(
            conversationKey(about),
            createActor(conversationMachine, { id: about, snapshot: toMachineSnapshot(step.resource), inspect }).start(),
          );
          for (const released of step.released) await send(step.conversation, released.events);
        } else if (step.type === 'applied') {
          await send(step.conversation, step.events);
        }
      }
    };
    log(TIMELINE_HEADER);
    try {
      for await (const chunk of options.input.chunks) {
        scanner.push(chunk);
        await play();
        options.signal.throwIfAborted();
      }
      scanner.end();
      replayer.finish();
      await play();
    } catch (cause) {
      // The file went away, or a disk failed, while being read: say which, and why.
      if (!options.signal.aborted && errorCode(cause) !== undefined)
        throw new UsageError(cannotRead('inspect', options.input.source, cause));
      if (!options.signal.aborted) throw cause;
      log('Stopped.');
      return { badLines: replayer.badLines };
    }
    const played = replayer.conversations().filter((c) => chosen(c.name));
    if (options.conversation !== undefined && played.length === 0) {
      log(`${options.conversation} has no fetched resource in ${options.input.source}: nothing to play`);
    }
    for (const line of finalLines(played)) log(line);
    return { badLines: replayer.badLines };
  },
});
