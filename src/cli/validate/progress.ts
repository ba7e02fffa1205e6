import type { Writable } from 'node:stream';
import { escapeControls } from '../escape.js';
import type { Tally } from './check.js';

/** Inputs shorter than this finish without a progress line. */
const QUIET_FOR_MS = 1000;
const EVERY_MS = 250;

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * A progress line on a terminal (`\r`, rewritten in place), for long inputs only, and only when
 * stderr is a terminal: never in a pipe or a log file.
 */
export class Progress {
  private readonly started: number;
  private last = Number.NEGATIVE_INFINITY;
  private shown = false;

  constructor(
    private readonly stderr: Writable,
    private readonly enabled: boolean,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  update(source: string, tally: Tally): void {
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.started < QUIET_FOR_MS || t - this.last < EVERY_MS) return;
    this.last = t;
    this.shown = true;
    // The only raw control characters the command line prints: its own, to rewrite the line.
    const text = escapeControls(`validate: ${count(tally.valid + tally.invalid)} checked, ${count(tally.invalid)} invalid: ${source}`);
    this.stderr.write(`\r\x1b[K${text}`);
  }

  /** Erases the line, before other output goes to stderr and at the end. */
  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.stderr.write('\r\x1b[K');
  }
}
