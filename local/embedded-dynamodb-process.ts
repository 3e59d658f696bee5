// The embedded DynamoDB-compatible store in a process of its own, as DynamoDB is in
// production: its work runs on another core than the service's, and a busy store queues
// requests instead of stalling the service's event loop. `npm run dev` and the benchmarks
// start it; this module is also the child's entry point.
import { fileURLToPath } from 'node:url';
import { runsAsChild, serveAsChild, spawnChildServer } from './child-server.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './embedded-dynamodb.js';

export interface EmbeddedDynamoProcess extends EmbeddedDynamo {
  pid: number;
}

interface StoreOptions {
  port?: number;
  /** LevelDB directory; in memory when absent. */
  path?: string;
}

const self = fileURLToPath(import.meta.url);

/** Starts the store in a child process; it also stops when this process dies. */
export async function spawnEmbeddedDynamo(options: StoreOptions = {}): Promise<EmbeddedDynamoProcess> {
  const child = await spawnChildServer(self, options);
  return { endpoint: `http://127.0.0.1:${child.port}`, port: child.port, pid: child.pid, close: child.close };
}

if (runsAsChild(self)) await serveAsChild<StoreOptions>(startEmbeddedDynamo);
