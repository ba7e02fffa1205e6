// What `npm start` runs (after building): the command line on the examples in this folder, as you
// would type it, then the whole loop (loop.mjs): the emulator, Google's client, the gateway and a
// backend made of this module, offline. Run it again with `node docs/examples/start.mjs`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = 'dist/src/cli/bin.js';

const run = (args, note) => {
  process.stdout.write(`\n$ dialogflow-conversation ${args.join(' ')}\n`);
  const { status } = spawnSync(process.execPath, [bin, ...args], { cwd: root, stdio: 'inherit' });
  process.stdout.write(`(exit status ${status}${note === undefined ? '' : `: ${note}`})\n`);
  return status;
};

const loop = () => {
  process.stdout.write("\n$ node docs/examples/loop.mjs   # the emulator, Google's client, the gateway, a backend: the whole loop\n");
  const { status } = spawnSync(process.execPath, ['docs/examples/loop.mjs'], { cwd: root, stdio: 'inherit' });
  process.stdout.write(`(exit status ${status}: 0 when the backend agrees with the emulator)\n`);
  return status;
};

const statuses = [
  run(['validate', 'docs/examples/list-conversations-page.json'], 'conversations[1] of this page is invalid on purpose'),
  run(['validate', 'docs/examples/conversations.ndjson'], 'lines 3 and 4 are invalid on purpose'),
  run(['validate', '--canonical', 'docs/examples/conversation.json']),
  run(['replay', 'docs/examples/replay.ndjson'], 'line 9 is invalid on purpose'),
  run(['diagram']),
  loop(),
];
process.stdout.write('\nMore: dialogflow-conversation --help, docs/cli.md, and docs/testing-your-backend.md.\n');
// The examples are meant to contain invalid input: exit 1 from validate and replay is the expected answer.
const expected = [1, 1, 0, 1, 0, 0];
process.exitCode = statuses.every((s, i) => s === expected[i]) ? 0 : 1;
