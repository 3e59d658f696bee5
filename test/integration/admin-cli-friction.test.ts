// The admin CLI without friction: it finds a running `npm run dev` by itself, says where a
// failed call went, explains idempotency keys, changes part of a tier or takes a file,
// shows tiers' allowed models, prints refusals as a table, and manages the model catalog.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalStack } from '../helpers/local-stack.js';
import { runCli } from '../helpers/admin-cli.js';
import { admin } from '../helpers/admin-client.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { StoreFixtures, testCatalog } from '../helpers/store-fixtures.js';
import { writeDevServerInfo } from '../../local/local-data.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: { MODEL_CATALOG: JSON.stringify(testCatalog), TIER_CACHE_MS: '0', SIGNUP_CREDITS: '0' },
});
let store: StoreFixtures;
let dataDir: string;
beforeAll(() => {
  store = new StoreFixtures(stack().dynamoEndpoint, stack().tables);
  // What `npm run dev` leaves in its data directory: its URLs and the admin token.
  dataDir = mkdtempSync(join(tmpdir(), 'admin-cli-'));
  writeDevServerInfo({ url: stack().url, adminUrl: stack().adminUrl, pid: process.pid }, dataDir);
  writeFileSync(join(dataDir, 'dev-admin-token'), stack().adminToken);
});
afterAll(() => store?.close());

/** The CLI as a developer runs it next to `npm run dev`: no --url, no token. */
const cli = (args: string[]) => runCli(args, { LOCAL_DATA_DIR: dataDir });
const tierName = () => `cli-${randomUUID().slice(0, 8)}`;
const limits = {
  requestsPerHour: 100,
  burst: 10,
  maxTokensPerRequest: 500,
  concurrentStreams: 2,
  tokensPerMinute: 100_000,
  maxStreamSeconds: 60,
  allowedModels: ['local:*'],
};

describe('admin CLI next to npm run dev', () => {
  it('finds the dev server from the URL it wrote, without flags', async () => {
    const { code, stdout } = await cli(['tiers', 'list']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pro\s/m);
  });

  it('says which URL a failed call went to and where that URL came from', async () => {
    const stale = mkdtempSync(join(tmpdir(), 'admin-cli-stale-'));
    writeDevServerInfo({ url: 'http://127.0.0.1:9', adminUrl: 'http://127.0.0.1:9/admin', pid: 1 }, stale);
    writeFileSync(join(stale, 'dev-admin-token'), 'x'.repeat(32));
    const unreachable = await runCli(['tiers', 'list'], { LOCAL_DATA_DIR: stale });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('could not reach GET http://127.0.0.1:9/admin/tiers');
    expect(unreachable.stderr).toContain(join(stale, 'dev-server.json'));

    const refused = await cli(['tiers', 'get', 'no-such-tier']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error 404 not_found');
    expect(refused.stderr).toContain(`at GET ${stack().adminUrl}/tiers/no-such-tier`);
  });

  it('states the idempotency-key rules in its help', async () => {
    const { stdout } = await cli(['help']);
    expect(stdout).toContain('8 to 128 characters of A-Z a-z 0-9 _ . : -');
    expect(stdout).toContain('the same key\n  again within 7 days answers "replayed" and moves nothing');
    expect(stdout).toContain('(409 idempotency_conflict)');
    expect(stdout).toContain('running the command twice grants twice');
  });
});

describe('admin CLI: tiers', () => {
  it('creates a tier from a file, then changes only the limits a partial update names', async () => {
    const name = tierName();
    const file = join(dataDir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...limits, degradeTo: 'local:local-small' }));
    expect((await cli(['tiers', 'put', name, file])).code).toBe(0);

    const changed = await cli(['tiers', 'put', name, '{"burst":3,"maxSteps":2}']);
    expect(changed.code).toBe(0);
    const tier = JSON.parse((await cli(['tiers', 'get', name, '--json'])).stdout);
    expect(tier).toMatchObject({ ...limits, burst: 3, maxSteps: 2, degradeTo: 'local:local-small' });

    const invalid = await cli(['tiers', 'put', name, '{"burst":1000}']); // more than requestsPerHour
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('burst: must be at most requestsPerHour');
    const missing = await cli(['tiers', 'put', tierName(), '{"burst":3}']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('give all limits to create it');
  });

  it('lists the models each tier allows', async () => {
    const name = tierName();
    await cli([
      'tiers',
      'put',
      name,
      JSON.stringify({ ...limits, allowedModels: ['local:local-small', 'local:local-large'] }),
    ]);
    const { stdout } = await cli(['tiers', 'list']);
    expect(stdout.split('\n')[0]).toMatch(/\ballowedModels$/);
    expect(stdout).toMatch(new RegExp(`^${name}\\s.*local:local-small, local:local-large$`, 'm'));
  });
});

describe('admin CLI: usage and models', () => {
  it('prints refusals as a table of reasons and counts', async () => {
    const { userId } = await store.userOnNewTier({ requestsPerHour: 1, burst: 1 });
    const token = await stack().token(userId);
    await (await postChat(stack(), { token, body: legacyBody('1 words') })).text();
    const refused = await postChat(stack(), { token, body: legacyBody('1 words') });
    expect(refused.status).toBe(429);
    await refused.text();
    // The refusal is counted off its path: wait for the count, then ask the CLI.
    await expect
      .poll(async () => (await admin<{ totals: { rejections: object } }>(stack(), `/usage?userId=${userId}`)).body)
      .toMatchObject({ totals: { rejections: { rate_limit_exceeded: 1 } } });
    const { stdout } = await cli(['usage', '--user', userId]);
    expect(stdout).toMatch(new RegExp(`^${userId}\\s+rate_limit_exceeded\\s+1$`, 'm'));
    expect(stdout).toMatch(/^refusals\nreason\s+count\n-+\s+-+\nrate_limit_exceeded\s+1$/m);
    expect(stdout).not.toContain('{"rate_limit_exceeded"');
  });

  it('lists, prices and removes models of the catalog', async () => {
    const model = `m-${randomUUID().slice(0, 6)}`;
    const set = await cli(['models', 'set', `local:${model}`, '--input', '5', '--output', '7']);
    expect(set.code).toBe(0);
    expect((await cli(['models', 'list'])).stdout).toMatch(new RegExp(`^local\\s+${model}\\s+5\\s+7$`, 'm'));
    expect((await cli(['models', 'delete', `local:${model}`])).code).toBe(0);
    expect((await cli(['models', 'list'])).stdout).not.toContain(model);
    const bad = await cli(['models', 'set', 'no-separator', '--input', '1', '--output', '1']);
    expect(bad.code).toBe(2);
  });
});
