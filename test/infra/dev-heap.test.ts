// `npm run dev` runs with the V8 heap limits the Lambda Node.js runtime gives the stream
// function (its bootstrap derives them from the function's memory: a tenth for the young
// generation, split into two semi-spaces, the rest for the old). Without them V8 sizes the
// heap from the laptop's RAM and lets old space grow to several times the live heap between
// major collections, so the local stack's memory would not behave as a container's.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function lambdaHeapFlags(memoryMb: number): string[] {
  const young = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(young / 2)}`, `--max-old-space-size=${memoryMb - young}`];
}

describe('npm run dev', () => {
  it("runs with the heap limits of the dev stack's stream function", () => {
    const { config } = parse(readFileSync(join(root, 'Pulumi.dev.yaml'), 'utf8')) as {
      config: Record<string, unknown>;
    };
    const memoryMb = Number(config['streaming-ai-throttle:streamMemoryMb']);
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const flags = scripts.dev!.split(/\s+/).filter((word) => word.startsWith('--'));
    expect(flags.sort()).toEqual(lambdaHeapFlags(memoryMb).sort());
  });
});
