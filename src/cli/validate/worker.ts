/**
 * A worker thread of `validate` (see `parallel.ts`): checks the batches of lines the main thread
 * sends, one at a time, and sends back each one's report text and counts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Batch, checkBatch } from './batch.js';
import type { CheckOptions } from './check.js';

const { options } = workerData as { readonly options: CheckOptions };
const port = parentPort;
if (port === null) throw new Error('validate/worker.js runs as a worker thread of validate');
port.on('message', (batch: Batch) => {
  const result = checkBatch(batch, options);
  // Nothing refers to the bytes any more (the decoder copies what it keeps): back they go.
  port.postMessage(result, [result.bytes]);
});
