// dynalite on its own thread: the embedded DynamoDB answers requests while the pipeline's code runs on the main
// thread, as a real table would (on a 2-core machine, a bulk publish otherwise spends half its time waiting for
// the emulator it shares a thread with). Started by embedded-stack.ts; plain JavaScript, no loader needed.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite');
// With a path (npm start's data folder), the tables live in LevelDB there and outlast the process.
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(workerData?.path && { path: workerData.path }) });
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
server.once('error', (error) => parentPort.postMessage({ error: String(error) }));
parentPort.on('message', (message) => {
  if (message === 'close') server.close(() => parentPort.postMessage({ closed: true }));
});
