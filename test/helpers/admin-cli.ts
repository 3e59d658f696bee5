// Runs `npm run admin` (admin/cli.ts under tsx) as an operator does: a command that
// answers and exits, or `dashboard`, which serves until stopped.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cliPath = join(root, 'admin', 'cli.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with this environment only on top of PATH-like basics (no ADMIN_URL/ADMIN_TOKEN unless given). */
const environment = (env: Record<string, string>) => {
  const { ADMIN_URL: _url, ADMIN_TOKEN: _token, LOCAL_DATA_DIR: _dir, ...inherited } = process.env;
  return { ...inherited, ...env };
};

export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, [cliPath, ...args], { cwd: root, env: environment(env) });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

export interface CliServer {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `admin dashboard` and answers the URL it prints. */
export async function startCliDashboard(args: string[], env: Record<string, string> = {}): Promise<CliServer> {
  const child = spawn(tsx, [cliPath, 'dashboard', '--port', '0', ...args], {
    cwd: root,
    env: environment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: tsx runs the CLI in a child process
  });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stdout!.setEncoding('utf8');
  for await (const chunk of child.stdout!) {
    output += chunk;
    const url = / at (http:\/\/127\.0\.0\.1:\d+\/dashboard)\b/.exec(output);
    if (url) {
      child.stdout!.resume();
      return {
        url: url[1]!,
        output: () => output,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, 'exit');
          process.kill(-child.pid!, 'SIGTERM');
          await exited;
        },
      };
    }
  }
  throw new Error(`admin dashboard exited before it served:\n${output}`);
}
