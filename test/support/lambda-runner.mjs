// A Lambda execution environment for one function's bundle, as the Node.js runtime runs it: the asset folder the
// CDK built (index.mjs and the node_modules copied beside it), imported once, then invoked for each event the parent
// sends, one at a time, with a context that counts down to the function's timeout. Plain JavaScript: it runs under
// the Lambda runtime's Node.js version, without the project's loaders.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [assetDir, timeoutMs] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(join(assetDir, 'index.mjs')).href);
let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue.then(async () => {
    const deadline = Date.now() + Number(timeoutMs);
    const context = { awsRequestId: message.id, functionName: 'bundle', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    try {
      process.send({ id: message.id, result: await handler(message.event, context) });
    } catch (error) {
      process.send({ id: message.id, error: String(error?.stack ?? error) });
    }
  });
});
process.send({ ready: process.version });
