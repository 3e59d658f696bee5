// The whole local stack as `npm run dev` runs it (a process of its own, with its store in
// another), loaded with 500 concurrent streams of 500 users, three runs in a row: how many
// complete, how many are refused (503 and others), and how the dev process's resident
// memory grows from the first run to the third.
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken } from '../local/dev-token.js';
import { spreadOf, type Spread } from './stats.js';
import { streamOnce, type StreamOutcome } from './stream-client.js';

interface LoadRun {
  complete: number;
  refused503: number;
  /** Anything else: other statuses, broken or cut streams, by error. */
  other: Record<string, number>;
  seconds: number;
  rssMb: number;
}

export interface DevLoadResult {
  runs: LoadRun[][];
  /** RSS after the third run ÷ after the first, per dev process. */
  rssRatio: Spread;
  streams: number;
}

const root = join(import.meta.dirname, '..');

/** Resident set size of a process, in MB (ps works on Linux and macOS). */
const rssMb = (pid: number) =>
  Number(
    execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
      .toString()
      .trim(),
  ) / 1024;

/** The Node flags `npm run dev` runs with (the Lambda runtime's heap limits; see package.json). */
const devNodeFlags = () => {
  const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { dev: string } }).scripts
    .dev;
  return script.split(/\s+/).filter((word) => word.startsWith('--'));
};

async function startDev(dataDir: string) {
  // Node with tsx's loader directly (not the tsx CLI), so the pid is the dev server's own.
  const child = spawn(process.execPath, [...devNodeFlags(), '--import', 'tsx', 'local/dev.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  for await (const chunk of child.stdout) {
    output += chunk;
    if (output.includes('Press Ctrl+C')) break;
  }
  child.stdout.resume();
  const streamUrl = /Stream URL\s+(\S+)/.exec(output)?.[1];
  if (!streamUrl) throw new Error(`npm run dev did not start:\n${output}`);
  return {
    pid: child.pid!,
    url: `${streamUrl}?provider=local&model=local-small&protocol=data`,
    secret: readFileSync(join(dataDir, 'dev-jwt-secret'), 'utf8').trim(),
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function summarize(outcomes: StreamOutcome[], seconds: number, rss: number): LoadRun {
  const other: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.complete || outcome.status === 503) continue;
    const key = `${outcome.status} ${outcome.error ?? 'incomplete'}`;
    other[key] = (other[key] ?? 0) + 1;
  }
  return {
    complete: outcomes.filter((outcome) => outcome.complete).length,
    refused503: outcomes.filter((outcome) => outcome.status === 503).length,
    other,
    seconds,
    rssMb: rss,
  };
}

export async function devLoad(repetitions: number, streams = 500, runsPerProcess = 3): Promise<DevLoadResult> {
  const runs: LoadRun[][] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-dev-'));
    const dev = await startDev(dataDir);
    try {
      const tokens = await Promise.all(
        Array.from({ length: streams }, (_, i) => signDevToken(dev.secret, `load-${i}`)),
      );
      const perProcess: LoadRun[] = [];
      for (let run = 0; run < runsPerProcess; run++) {
        const started = performance.now();
        const outcomes = await Promise.all(tokens.map((token) => streamOnce(dev.url, token, '20 words')));
        const seconds = (performance.now() - started) / 1000;
        perProcess.push(summarize(outcomes, seconds, rssMb(dev.pid)));
      }
      runs.push(perProcess);
    } finally {
      await dev.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return {
    runs,
    rssRatio: spreadOf(runs.map((perProcess) => perProcess.at(-1)!.rssMb / perProcess[0]!.rssMb)),
    streams,
  };
}
