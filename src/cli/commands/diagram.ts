import * as E from 'fp-ts/lib/Either.js';
import { toDot, toMermaid, toSvg } from '../../machine/diagram.js';
import { choiceOption, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { importOptional } from '../optional.js';

const FORMATS = ['mermaid', 'dot', 'svg'] as const;
type Format = (typeof FORMATS)[number];

const help = `Usage: dialogflow-conversation diagram [--format mermaid|dot|svg]

Prints the conversation machine's state chart, generated from the machine itself: its two
regions (lifecycle, stage), initial states, the "starting" choice and its guards, and every
event with its guard and actions.

Options:
  --format FORMAT   mermaid (the default: a stateDiagram-v2 that GitHub renders in Markdown),
                    dot (Graphviz), or svg (rendered offline by Graphviz compiled to WebAssembly;
                    needs the optional package @viz-js/viz)
  -h, --help        print this help

Examples:
  dialogflow-conversation diagram
  dialogflow-conversation diagram --format svg > conversation-machine.svg
  dialogflow-conversation diagram --format dot | dot -Tpng > conversation-machine.png
`;

/** The conversation machine's chart in the given format. */
export const conversationDiagram = async (format: Format): Promise<string> => {
  const drawn = format === 'mermaid' ? toMermaid() : format === 'dot' ? toDot() : await toSvg();
  if (E.isLeft(drawn)) throw new Error(drawn.left.message);
  return drawn.right;
};

/** `diagram [--format mermaid|dot|svg]`: the machine's state chart. */
export const diagram: Command = {
  name: 'diagram',
  summary: "print the machine's state chart (mermaid, dot or svg), generated from the machine",
  help,
  run: async (args, io) => {
    const { values } = parseCommandArgs(
      'diagram',
      args,
      { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
      false,
    );
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    const format = choiceOption('diagram', 'format', values.format, FORMATS, 'mermaid');
    if (format === 'svg') await importOptional('@viz-js/viz', 'diagram --format svg', 'or use --format mermaid|dot');
    const text = await conversationDiagram(format);
    if (!io.stdout.write(text)) await new Promise((resolve) => io.stdout.once('drain', resolve));
    return EXIT.ok;
  },
};
