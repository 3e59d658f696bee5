// A local server in a process of its own (the embedded store for `npm run dev`, the model
// server for the benchmarks), so its work runs on another core and never stalls the
// service's event loop. The parent forks the server's module; the module, run as the
// child, starts the server and reports its port over IPC. The child stops when its
// parent closes it or dies (the IPC channel closes either way).
import { fork } from 'node:child_process';
import { once } from 'node:events';

export interface ChildServer {
  port: number;
  pid: number;
  close(): Promise<void>;
}

interface RunningServer {
  port: number;
  close(): Promise<void>;
}

type ChildMessage = { ready: { port: number } } | { failed: string };

const optionsVariable = 'CHILD_SERVER_OPTIONS';

/** Forks `entry` (a module that calls `serveAsChild` when run as the child) and waits for its port. */
export async function spawnChildServer(entry: string, options: object): Promise<ChildServer> {
  // The child runs with this process's flags (under tsx, its TypeScript loader).
  const child = fork(entry, [], {
    env: { ...process.env, [optionsVariable]: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const [message] = (await Promise.race([
    once(child, 'message'),
    exited.then(([code]) => [{ failed: `exited with code ${code}` }]),
  ])) as [ChildMessage];
  if ('failed' in message) throw new Error(`${entry} did not start: ${message.failed}`);
  return {
    port: message.ready.port,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect(); // the child closes its server (requests in flight finish) and exits
      await exited;
    },
  };
}

/** Whether this module (`import.meta.url` of the caller) is running as a forked child server. */
export const runsAsChild = (moduleFile: string): boolean => Boolean(process.send) && process.argv[1] === moduleFile;

/** The child's side: starts the server with the parent's options, reports its port, stops when the parent goes. */
export async function serveAsChild<Options>(start: (options: Options) => Promise<RunningServer>): Promise<void> {
  const options = JSON.parse(process.env[optionsVariable] ?? '{}') as Options;
  let server: RunningServer;
  try {
    server = await start(options);
  } catch (err) {
    process.send!({ failed: String(err) } satisfies ChildMessage);
    process.exit(1);
  }
  process.once('disconnect', () => {
    setTimeout(() => process.exit(0), 5_000).unref();
    server.close().finally(() => process.exit(0));
  });
  // Ctrl+C in a terminal reaches the whole process group: the parent decides when we stop.
  process.on('SIGINT', () => undefined);
  process.send!({ ready: { port: server.port } } satisfies ChildMessage);
}
