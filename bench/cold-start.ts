// Cold start of the bundled functions, each in a fresh Node process with the Lambda's
// NODE_OPTIONS, beside the yardstick (a minimal `ai` + `@ai-sdk/openai` handler bundled
// the same way), pairs interleaved:
// - import: evaluating the handler module, as the runtime's init does. Code loaded at
//   first use (the tokenizer's encodings, the model provider, the AWS SDK's credential
//   providers) is in separate chunks and not included.
// - first byte: import, then one request through the handler to its first body byte:
//   for the service, configuration, store client, tier and account reads, the encoding,
//   admission and the model call; for the yardstick, the model call.
// Also the bundle sizes, and the AWS SDK left to the runtime (external) for comparison.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleLambdas, bundleOptions, bundleSize, lambdaEntryPoints, lambdaNodeOptions } from '../infra/bundle.js';
import { functionUrlEvent } from '../local/function-url-event.js';
import type { BenchContext } from './bench-context.js';
import { spreadOf, type Spread } from './stats.js';
import { streamOnce } from './stream-client.js';

export interface ColdStartResult {
  sizes: Record<string, { entry: number; total: number; files: number }>;
  importRatio: Spread;
  importMs: { service: Spread; minimal: Spread; sdkExternal: Spread };
  firstByteRatio: Spread;
  firstByteMs: { service: Spread; minimal: Spread };
  samples: number;
  nodeOptions: string;
}

// Runs in the fresh process: the runtime's global, the import, then (optionally) one invocation.
const probe = `
const { Writable } = await import('node:stream');
globalThis.awslambda = { streamifyResponse: (handler) => handler, HttpResponseStream: { from: (stream) => stream } };
const started = performance.now();
const module = await import(process.env.PROBE_MODULE);
const imported = performance.now() - started;
let firstByte = NaN;
if (process.env.PROBE_EVENT) {
  const sink = new Writable({ write(chunk, _encoding, done) { if (Number.isNaN(firstByte)) firstByte = performance.now() - started; done(); } });
  await module.handler(JSON.parse(process.env.PROBE_EVENT), sink, {});
}
process.stdout.write(JSON.stringify({ imported, firstByte }));
process.exit(0);
`;

function probeOnce(module: string, environment: Record<string, string>, event?: string) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: lambdaNodeOptions,
      PROBE_MODULE: pathToFileURL(module).href,
      ...(event ? { PROBE_EVENT: event } : {}),
      ...environment,
    },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cold start probe of ${module} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { imported: number; firstByte: number };
}

export async function coldStart(
  context: BenchContext,
  samples = Math.max(7, context.repetitions * 3),
): Promise<ColdStartResult> {
  const out = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  try {
    const built = await bundleLambdas(join(out, 'lambda'));
    const minimalDir = join(out, 'minimal');
    await build(bundleOptions(join(import.meta.dirname, 'minimal-handler.ts'), minimalDir));
    // The AWS SDK as the Lambda runtime provides it (resolved from node_modules here).
    const externalDir = join(import.meta.dirname, '..', 'node_modules', '.cache', 'bench-sdk-external');
    await build({
      ...bundleOptions(join(import.meta.dirname, '..', lambdaEntryPoints['chat-stream']), externalDir),
      external: ['@aws-sdk/*', '@smithy/*'],
    });
    const sizes = {
      ...Object.fromEntries(Object.entries(built).map(([name, dir]) => [name, bundleSize(dir)])),
      'minimal (ai + @ai-sdk/openai)': bundleSize(minimalDir),
    };

    // A user whose account exists: the common cold start.
    const userId = 'cold-start-user';
    const token = await context.token(userId);
    const warm = await context.handler(true);
    await streamOnce(warm.url, token, '20 words');
    await warm.close();
    const body = JSON.stringify({ messages: [{ role: 'user', content: '20 words' }] });
    const event = JSON.stringify(
      functionUrlEvent({
        method: 'POST',
        url: '/api/ai/chat-stream?provider=local&model=local-small&protocol=data',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', host: 'localhost' },
        body: Buffer.from(body),
        sourceIp: '127.0.0.1',
      }),
    );
    const { tables } = context.store;
    const lambdaEnvironment = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      JWT_SECRET: context.jwtSecret,
      TOOL_APPROVAL_SECRET: 'x'.repeat(48),
      LOCAL_MODEL_URL: context.modelUrl,
      DYNAMODB_ENDPOINT: context.store.endpoint,
      TIERS_TABLE: tables.tiers,
      CREDITS_TABLE: tables.credits,
      SESSIONS_TABLE: tables.sessions,
      DEFAULT_TIER: 'bench',
    };
    const service = join(built['chat-stream'], 'index.mjs');
    const minimal = join(minimalDir, 'index.mjs');
    const importService: number[] = [];
    const importMinimal: number[] = [];
    const importExternal: number[] = [];
    const firstService: number[] = [];
    const firstMinimal: number[] = [];
    for (let i = 0; i < samples; i++) {
      const runs = [
        () => importService.push(probeOnce(service, lambdaEnvironment).imported),
        () => importMinimal.push(probeOnce(minimal, lambdaEnvironment).imported),
        () => importExternal.push(probeOnce(join(externalDir, 'index.mjs'), lambdaEnvironment).imported),
        () => firstService.push(probeOnce(service, lambdaEnvironment, event).firstByte),
        () => firstMinimal.push(probeOnce(minimal, lambdaEnvironment, event).firstByte),
      ];
      for (let k = 0; k < runs.length; k++) runs[(i + k) % runs.length]!();
    }
    return {
      sizes,
      importRatio: spreadOf(importService.map((ms, i) => ms / importMinimal[i]!)),
      importMs: {
        service: spreadOf(importService),
        minimal: spreadOf(importMinimal),
        sdkExternal: spreadOf(importExternal),
      },
      firstByteRatio: spreadOf(firstService.map((ms, i) => ms / firstMinimal[i]!)),
      firstByteMs: { service: spreadOf(firstService), minimal: spreadOf(firstMinimal) },
      samples,
      nodeOptions: lambdaNodeOptions,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
