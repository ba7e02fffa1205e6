// The floor for `validate` on an NDJSON file (test/bench/cli.ts): one thread, 64 KiB reads with
// fs.readSync, the text split into lines, JSON.parse on each line, and a count. Nothing is checked
// and nothing is written. Run as its own process: `node test/bench/bare-ndjson.mjs FILE`.
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const fd = openSync(process.argv[2], 'r');
const buffer = Buffer.allocUnsafe(64 * 1024);
const decoder = new StringDecoder('utf8');
let carry = '';
let count = 0;
for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
  const text = carry + decoder.write(buffer.subarray(0, n));
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
    if (nl > start) {
      JSON.parse(text.slice(start, nl));
      count++;
    }
    start = nl + 1;
  }
  carry = text.slice(start);
}
if (carry.length > 0) {
  JSON.parse(carry);
  count++;
}
closeSync(fd);
process.stdout.write(`${count}\n`);
