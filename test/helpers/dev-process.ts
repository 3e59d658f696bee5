// `npm run dev` as a child process, as a developer runs it: started, read for its URLs,
// and stopped (or killed with SIGKILL, as a crash would).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export interface DevProcess {
  url: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startDev(env: Record<string, string>): Promise<DevProcess> {
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['local/dev.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: tsx runs the server in a child process, and a crash kills both.
    detached: true,
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  for await (const chunk of child.stdout!) {
    output += chunk;
    const url = /Playground\s+(http:\/\/\S+?)\/\s/.exec(output);
    if (url && output.includes('Press Ctrl+C')) {
      child.stdout!.resume(); // keep draining
      return {
        url: url[1]!,
        child,
        kill: async (signal = 'SIGTERM') => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          process.kill(-child.pid!, signal);
          await exited;
        },
      };
    }
  }
  throw new Error(`npm run dev exited before it was ready:\n${output}`);
}
