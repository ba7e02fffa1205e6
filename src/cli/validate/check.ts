import { isRight } from 'fp-ts/lib/Either.js';
import { decodeWith, stringifyConversation } from '../../conversation/codec.js';
import type { Conversation } from '../../conversation/conversation.js';
import { formatIssue } from '../../wire/decode-error.js';
import { type DecodeIssue, describe } from '../../wire/issue.js';
import { inputShape } from '../input-shape.js';
import type { BatchedOutput } from '../output.js';
import { isBlank, type ScanSink } from './scanner.js';

/** How `validate` reports. */
export interface CheckOptions {
  /** Print canonical ProtoJSON for each valid conversation (one line each), problems on stderr. */
  readonly canonical: boolean;
  /** Print only the problems. */
  readonly quiet: boolean;
}

/** Counts over every input of one run. */
export interface Tally {
  valid: number;
  invalid: number;
}

/**
 * Checks each JSON text the scanner finds, as a Conversation or a ListConversations page, and
 * writes one report line per conversation (or canonical JSON), and one per problem. Nothing is
 * kept once written: memory does not grow with the input.
 *
 * Report lines:
 * - `FILE:LINE: ok NAME LIFECYCLE_STATE CONVERSATION_STAGE version=N`
 * - `FILE:LINE: error: PATH: MESSAGE`, one per problem
 *
 * where `:LINE` is there for NDJSON, and a page's items add `:conversations[I]`.
 */
export class Checker implements ScanSink {
  constructor(
    private readonly source: string,
    private readonly out: BatchedOutput,
    private readonly problems: BatchedOutput,
    private readonly options: CheckOptions,
    private readonly tally: Tally,
  ) {}

  readonly text = (text: string, line: number | undefined): void => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      if (isBlank(text)) return;
      this.fail(this.where(line), [{ path: '', message: `invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}` }]);
      return;
    }
    const shape = inputShape(json);
    if (shape === 'page') this.page(json as Readonly<Record<string, unknown>>, this.where(line));
    else if (shape === 'push' || shape === 'event') this.fail(this.where(line), [notAConversation(shape)]);
    else this.conversation(json, this.where(line));
  };

  readonly problem = (line: number | undefined, message: string): void => {
    this.fail(this.where(line), [{ path: '', message }]);
  };

  private where(line: number | undefined): string {
    return line === undefined ? this.source : `${this.source}:${line}`;
  }

  private conversation(json: unknown, where: string): void {
    // The value is fresh from JSON.parse and ours alone: decode it in place, as parseConversation does.
    const decoded = decodeWith(json, true, undefined);
    if (isRight(decoded)) this.ok(where, decoded.right);
    else this.fail(where, decoded.left.errors);
  }

  /** A ListConversations response: each item on its own, so one bad conversation does not hide the others. */
  private page(json: Readonly<Record<string, unknown>>, where: string): void {
    const { conversations } = json;
    const token = Object.hasOwn(json, 'nextPageToken') ? json.nextPageToken : json.next_page_token;
    const issues: DecodeIssue[] = [];
    if (conversations !== undefined && conversations !== null && !Array.isArray(conversations)) {
      issues.push({ path: 'conversations', message: `expected an array of conversations, got ${describe(conversations)}` });
    }
    if (token !== undefined && token !== null && typeof token !== 'string') {
      issues.push({ path: 'nextPageToken', message: `expected a string, got ${describe(token)}` });
    }
    if (issues.length > 0) this.fail(where, issues);
    if (!Array.isArray(conversations)) return;
    for (let i = 0; i < conversations.length; i++) this.conversation(conversations[i], `${where}:conversations[${i}]`);
  }

  private ok(where: string, c: Conversation): void {
    this.tally.valid++;
    if (this.options.canonical) this.out.write(`${stringifyConversation(c)}\n`);
    else if (!this.options.quiet) {
      this.out.write(`${where}: ok ${c.name} ${c.lifecycleState} ${c.conversationStage} version=${c.version}\n`);
    }
  }

  private fail(where: string, issues: ReadonlyArray<DecodeIssue>): void {
    this.tally.invalid++;
    // With --canonical, stdout stays pure NDJSON: problems go to stderr.
    const to = this.options.canonical ? this.problems : this.out;
    for (const issue of issues) to.write(`${where}: error: ${oneLine(formatIssue(issue))}\n`);
  }
}

/** A notification given to `validate`: one problem that says what it is and where it goes, not a list of missing fields. */
const notAConversation = (shape: 'push' | 'event'): DecodeIssue => ({
  path: '',
  message: `this is ${shape === 'push' ? 'a Pub/Sub push delivery' : 'a ConversationEvent notification'}, not a Conversation or a ListConversations page: play notifications with "dialogflow-conversation replay FILE"`,
});

/** Messages quote input; keep each report on its line. */
const oneLine = (s: string): string => (s.includes('\n') ? s.replace(/\r?\n/g, '\\n') : s);
