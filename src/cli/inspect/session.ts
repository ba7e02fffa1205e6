import type { InspectionEvent, Observer } from 'xstate';

/** How a session went. */
export interface PlayOutcome {
  /** How many lines of its input were bad (0 for the built-in scenario). */
  readonly badLines: number;
}

/**
 * What `inspect` plays into the inspector: live actors of the conversation machine, created with
 * the `inspect` observer it is given. The built-in scenario is one; a replay log read from a file
 * (`replaySession`) is another.
 */
export interface InspectSession {
  /** What is being played, for the first line printed. */
  readonly title: string;
  /** Plays the session: every actor it creates gets `inspect`; one line per step goes to `log`. */
  readonly play: (inspect: Observer<InspectionEvent>, log: (line: string) => void) => Promise<PlayOutcome>;
}
