// The Pulumi CLI runs an ESM TypeScript program through ts-node's ESM loader, with type
// checking. This loads infra/index.ts the same way in a fresh Node process, so a program
// that only works under vitest's transform cannot pass.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

describe('Pulumi program under ts-node (as the Pulumi CLI loads it)', () => {
  it('compiles, type-checks and registers the dev stack', async () => {
    const { stdout } = await promisify(execFile)(
      join(root, 'node_modules', '.bin', 'node'),
      [
        join(root, 'test', 'helpers', 'run-program-with-ts-node.mjs'),
        'dev',
        JSON.stringify({ jwtSecret: 'j'.repeat(40) }),
      ],
      { cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' }, timeout: 180_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { exports: string[]; resources: number };
    expect(result.exports).toEqual([
      'adminInvokePolicyArn',
      'adminUrl',
      'alarmTopicArn',
      'dashboardName',
      'dashboardUrl',
      'streamUrl',
      'tableNames',
    ]);
    expect(result.resources).toBeGreaterThan(20);
  }, 180_000);
});
