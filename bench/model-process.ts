// The local model server in a process of its own for the benchmarks, as a provider is
// elsewhere in production: generating tokens at full speed must not take CPU from the
// handler being measured. This module is also the child's entry point.
import { fileURLToPath } from 'node:url';
import { runsAsChild, serveAsChild, spawnChildServer } from '../local/child-server.js';
import { startLocalModelServer } from '../local/model/local-model-server.js';

interface ModelOptions {
  tokensPerSecond: number;
}

const self = fileURLToPath(import.meta.url);

export async function spawnModelServer(options: ModelOptions): Promise<{ url: string; close(): Promise<void> }> {
  const child = await spawnChildServer(self, options);
  return { url: `http://127.0.0.1:${child.port}/v1`, close: child.close };
}

if (runsAsChild(self)) {
  await serveAsChild<ModelOptions>(async (options) => {
    const server = await startLocalModelServer(0, { tokensPerSecond: options.tokensPerSecond });
    return { port: Number(new URL(server.url).port), close: server.close };
  });
}
