// `npm run admin -- experiments create|list|stop|report` against a real local server.
import { describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useLocalStack } from '../helpers/local-stack.js';
import { runCli } from '../helpers/admin-cli.js';
import { admin } from '../helpers/admin-client.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { usersIn } from '../helpers/experiment-fixtures.js';

const stack = useLocalStack({ sweepIntervalMs: 0, environment: { TIER_CACHE_MS: '0', SIGNUP_CREDITS: '1000000' } });

const cli = (args: string[]) => runCli(args, { ADMIN_URL: stack().adminUrl, ADMIN_TOKEN: stack().adminToken });

describe('admin CLI: experiments', () => {
  it('creates, lists, reports and stops an experiment', async () => {
    const tier = `t-${randomUUID().slice(0, 8)}`;
    const limits = {
      requestsPerHour: 100,
      burst: 10,
      maxTokensPerRequest: 500,
      concurrentStreams: 2,
      tokensPerMinute: 100_000,
      maxStreamSeconds: 60,
      allowedModels: ['local:*'],
    };
    expect((await cli(['tiers', 'put', tier, JSON.stringify(limits)])).code).toBe(0);
    const id = `exp-${randomUUID().slice(0, 8)}`;
    const variants = [
      { name: 'control', share: 0.75 },
      { name: 'one', share: 0.25, limits: { burst: 1 } },
    ];
    const created = await cli(['experiments', 'create', JSON.stringify({ id, tier, variants })]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^status\s+running$/m);
    expect(created.stdout).toMatch(/^variants\s+control 0\.75, one 0\.25$/m);

    const list = await cli(['experiments', 'list']);
    expect(list.stdout.split('\n')[0]).toMatch(/^id\s+tier\s+status\s+variants/);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+${tier}\\s+running\\s+control 0\\.75, one 0\\.25`, 'm'));

    const [user] = usersIn({ salt: id, variants }, 'one', 1);
    expect((await cli(['user', 'set-tier', user!, tier])).code).toBe(0);
    const token = await stack().token(user!);
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await postChat(stack(), { token, body: legacyBody('2 words') });
      statuses.push(response.status);
      await response.text();
    }
    expect(statuses).toEqual([200, 429]);

    // The session is projected after its stream settles, the refusal counted off the request's path.
    await vi.waitFor(async () => {
      const { body } = await admin<{ variants: Array<{ requests: number; refused: number }> }>(
        stack(),
        `/experiments/${id}/report`,
      );
      expect(body.variants[1]).toMatchObject({ requests: 1, refused: 1 });
    });
    const report = await cli(['experiments', 'report', id]);
    expect(report.stdout).toMatch(
      /^one\s+0\.25\s+1\s+1\s+1\s+\{"rate_limit_exceeded":1\}\s+\d+\s+4\s+\d+\s+0\s+\{\}$/m,
    );
    expect(report.stdout.split('\n').find((line) => line.startsWith('variant '))).toMatch(
      /^variant\s+share\s+users\s+requests\s+refused\s+rejections\s+inputTokens\s+outputTokens\s+cost\s+upgrades/,
    );
    expect(report.stdout).toMatch(/^control\s+0\.75\s+0\s+0\s+0\s+\{\}\s+0\s+0\s+0\s+0\s+\{\}$/m);

    const stopped = await cli(['experiments', 'stop', id]);
    expect(stopped).toMatchObject({ code: 0, stdout: `stopped experiment ${id}; its report is kept\n` });
    expect((await cli(['experiments', 'list'])).stdout).toMatch(new RegExp(`^${id}\\s+${tier}\\s+stopped`, 'm'));
  });

  it('exits 1 with the API error on a refused create and 2 on a usage error', async () => {
    const refused = await cli(['experiments', 'create', JSON.stringify({ id: 'x', tier: 'pro', variants: [] })]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error 400 invalid_request');
    expect(refused.stderr).toContain('body.variants');
    const missing = await cli(['experiments', 'stop']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing experiment id');
    expect((await cli(['experiments', 'restart', 'x'])).code).toBe(2);
  });
});
