import { isRight } from 'fp-ts/lib/Either.js';
import { decodeWith, stringifyConversation } from '../../conversation/codec.js';
import type { Conversation } from '../../conversation/conversation.js';
import { formatIssue } from '../../wire/decode-error.js';
import { type DecodeIssue, describe } from '../../wire/issue.js';
import { escapeControls } from '../escape.js';
import { inputShape } from '../input-shape.js';
import { isBlank, type ScanSink } from './scanner.js';

/** How `validate` reports. */
export interface CheckOptions {
  /** Print canonical ProtoJSON for each valid conversation (one line each), problems on stderr. */
  readonly canonical: boolean;
  /** Print only the problems. */
  readonly quiet: boolean;
  /** Print one JSON object per conversation and per problem (see {@link Checker}). */
  readonly json: boolean;
}

/** Where report lines go: a `BatchedOutput` for a stream, or a worker thread's text (see `worker.ts`). */
export interface LineSink {
  /** One line, without its newline, to be escaped (see `BatchedOutput.line`). */
  line(text: string): void;
  /** One line, without its newline, whose parts from input are escaped already (see `BatchedOutput.escapedLine`). */
  escapedLine(text: string): void;
}

/** Counts over every input of one run. */
export interface Tally {
  valid: number;
  invalid: number;
}

/** Where a report is: the NDJSON line (none for a whole document), and a page's item (`conversations[I]`). */
interface Where {
  readonly line: number | undefined;
  readonly item: string | undefined;
}

/** A path inside an item, as a path inside the line's (or document's) JSON value. */
const nest = (item: string | undefined, path: string): string =>
  item === undefined ? path : path === '' ? item : path.startsWith('[') ? `${item}${path}` : `${item}.${path}`;

/**
 * Checks each JSON text the scanner finds, as a Conversation or a ListConversations page, and
 * writes one report line per conversation (or canonical JSON), and one per problem. Nothing is
 * kept once written: memory does not grow with the input.
 *
 * Report lines:
 * - `FILE:LINE: ok NAME LIFECYCLE_STATE CONVERSATION_STAGE version=N`
 * - `FILE:LINE: error: PATH: MESSAGE`, one per problem
 *
 * where `:LINE` is there for NDJSON, and a page's items add `:conversations[I]`. With `--json`,
 * one JSON object per line instead, its keys in this order:
 * - `{"source":FILE,"line":LINE,"path":PATH,"ok":true,"name":…,"lifecycleState":…,"conversationStage":…,"version":N}`
 * - `{"source":FILE,"line":LINE,"path":PATH,"ok":false,"message":MESSAGE}`, one per problem
 *
 * where `line` is `null` for a whole document and `path` is where in the line's (or document's)
 * JSON value: `""` for the value itself, `conversations[1]` for a page's item,
 * `conversations[1].phoneNumber.countryCode` for one of its fields.
 */
export class Checker implements ScanSink {
  /** The source, escaped once for every `ok` line (see `BatchedOutput.escapedLine`). */
  private readonly escapedSource: string;

  constructor(
    private readonly source: string,
    private readonly out: LineSink,
    private readonly problems: LineSink,
    private readonly options: CheckOptions,
    private readonly tally: Tally,
  ) {
    this.escapedSource = escapeControls(source);
  }

  readonly text = (text: string, line: number | undefined): void => {
    let json: unknown;
    const where: Where = { line, item: undefined };
    try {
      json = JSON.parse(text);
    } catch (cause) {
      if (isBlank(text)) return;
      this.fail(where, [{ path: '', message: `invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}` }]);
      return;
    }
    const shape = inputShape(json);
    if (shape === 'page') this.page(json as Readonly<Record<string, unknown>>, line);
    else if (shape === 'push' || shape === 'event') this.fail(where, [notAConversation(shape)]);
    else this.conversation(json, where);
  };

  readonly problem = (line: number | undefined, message: string): void => {
    this.fail({ line, item: undefined }, [{ path: '', message }]);
  };

  /** An input with nothing in it: with `--json`, a record says so (the command also says so on stderr). */
  noInput(message: string): void {
    if (this.options.json) this.out.line(this.record({ line: undefined, item: undefined }, '', false, { message }));
  }

  private conversation(json: unknown, where: Where): void {
    // The value is fresh from JSON.parse and ours alone: decode it in place, as parseConversation does.
    const decoded = decodeWith(json, true, undefined);
    if (isRight(decoded)) this.ok(where, decoded.right);
    else this.fail(where, decoded.left.errors);
  }

  /** A ListConversations response: each item on its own, so one bad conversation does not hide the others. */
  private page(json: Readonly<Record<string, unknown>>, line: number | undefined): void {
    const { conversations } = json;
    const token = Object.hasOwn(json, 'nextPageToken') ? json.nextPageToken : json.next_page_token;
    const issues: DecodeIssue[] = [];
    if (conversations !== undefined && conversations !== null && !Array.isArray(conversations)) {
      issues.push({ path: 'conversations', message: `expected an array of conversations, got ${describe(conversations)}` });
    }
    if (token !== undefined && token !== null && typeof token !== 'string') {
      issues.push({ path: 'nextPageToken', message: `expected a string, got ${describe(token)}` });
    }
    if (issues.length > 0) this.fail({ line, item: undefined }, issues);
    if (!Array.isArray(conversations)) return;
    for (let i = 0; i < conversations.length; i++) this.conversation(conversations[i], { line, item: `conversations[${i}]` });
  }

  private ok(where: Where, c: Conversation): void {
    this.tally.valid++;
    if (this.options.canonical) this.out.line(stringifyConversation(c));
    else if (this.options.quiet) return;
    else if (this.options.json) {
      this.out.line(
        this.record(where, '', true, {
          name: c.name,
          lifecycleState: c.lifecycleState,
          conversationStage: c.conversationStage,
          version: c.version,
        }),
      );
    } else {
      // Every part from input escaped on its own (the item is `conversations[I]`; states are enum names).
      const at = this.at(this.escapedSource, where);
      this.out.escapedLine(`${at}: ok ${escapeControls(c.name ?? '')} ${c.lifecycleState} ${c.conversationStage} version=${c.version}`);
    }
  }

  private fail(where: Where, issues: ReadonlyArray<DecodeIssue>): void {
    this.tally.invalid++;
    // With --canonical, stdout stays pure NDJSON: problems go to stderr.
    const to = this.options.canonical ? this.problems : this.out;
    for (const issue of issues) {
      if (this.options.json) to.line(this.record(where, issue.path, false, { message: issue.message }));
      else to.line(`${this.at(this.source, where)}: error: ${formatIssue(issue)}`);
    }
  }

  /** `FILE`, `FILE:LINE`, `FILE:LINE:conversations[I]`. */
  private at(source: string, where: Where): string {
    const line = where.line === undefined ? '' : `:${where.line}`;
    return `${source}${line}${where.item === undefined ? '' : `:${where.item}`}`;
  }

  /** One `--json` record: where first, then what. */
  private record(where: Where, path: string, ok: boolean, fields: Readonly<Record<string, unknown>>): string {
    return JSON.stringify({ source: this.source, line: where.line ?? null, path: nest(where.item, path), ok, ...fields });
  }
}

/** A notification given to `validate`: one problem that says what it is and where it goes, not a list of missing fields. */
const notAConversation = (shape: 'push' | 'event'): DecodeIssue => ({
  path: '',
  message: `this is ${shape === 'push' ? 'a Pub/Sub push delivery' : 'a ConversationEvent notification'}, not a Conversation or a ListConversations page: play notifications with "dialogflow-conversation replay FILE"`,
});
