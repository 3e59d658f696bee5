// /admin/experiments against the running local stack: create, list, get and stop, with
// their refusals (invalid variants with the reason, one running experiment per tier, taken
// names), audit records, and tier edits that would break a running variant.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useLocalStack } from '../helpers/local-stack.js';
import { admin } from '../helpers/admin-client.js';
import { testCatalog } from '../helpers/store-fixtures.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: { MODEL_CATALOG: JSON.stringify(testCatalog), TIER_CACHE_MS: '0', SIGNUP_CREDITS: '0' },
});

type ErrorBody = { error: { type: string; message: string; fields?: Record<string, string> } };
type Experiment = { id: string; tier: string; status: string; salt: string; createdBy: string; stoppedAt?: number };

const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const limits = {
  requestsPerHour: 60,
  burst: 10,
  maxTokensPerRequest: 500,
  concurrentStreams: 2,
  tokensPerMinute: 100_000,
  maxStreamSeconds: 60,
  allowedModels: ['local:*'],
};

async function newTier(): Promise<string> {
  const tier = uid('tier');
  expect((await admin(stack(), `/tiers/${tier}`, { method: 'PUT', body: limits })).status).toBe(200);
  return tier;
}

const definition = (tier: string, id = uid('exp'), tight: object = { burst: 2 }) => ({
  id,
  tier,
  variants: [
    { name: 'control', share: 0.5 },
    { name: 'tight', share: 0.5, limits: tight },
  ],
});
const create = (body: unknown) => admin<Experiment & ErrorBody>(stack(), '/experiments', { method: 'POST', body });
const stop = (id: string) => admin<Experiment & ErrorBody>(stack(), `/experiments/${id}/stop`, { method: 'POST' });

describe('admin API: experiments', () => {
  it('creates, lists, gets and stops an experiment, each change in the audit log', async () => {
    const tier = await newTier();
    const body = definition(tier);
    const created = await create(body);
    expect(created).toMatchObject({ status: 201, body: { id: body.id, tier, status: 'running', salt: body.id } });
    expect(created.body.createdBy).toBe('token:admin');
    // The same declaration again (a retried create) answers the running experiment.
    expect(await create(body)).toMatchObject({ status: 200, body: { id: body.id, status: 'running' } });

    const list = await admin<Experiment[]>(stack(), '/experiments');
    expect(list.body.find((e) => e.id === body.id)).toMatchObject({ status: 'running', tier });
    expect((await admin<Experiment>(stack(), `/experiments/${body.id}`)).body.status).toBe('running');

    const stopped = await stop(body.id);
    expect(stopped).toMatchObject({ status: 200, body: { status: 'stopped', stoppedAt: expect.any(Number) } });
    expect(await stop(body.id)).toMatchObject({ status: 200, body: { stoppedAt: stopped.body.stoppedAt } });
    expect((await admin<Experiment>(stack(), `/experiments/${body.id}`)).body.status).toBe('stopped');

    const log = await admin<Array<{ action: string; target: string }>>(stack(), '/audit?limit=50');
    // One record each: neither the replayed create nor the second stop changed anything.
    const actions = log.body.filter((r) => r.target === body.id).map((r) => r.action);
    expect(actions.sort()).toEqual(['experiment.create', 'experiment.stop']);
  });

  it('runs at most one experiment per tier; a stopped one frees the tier and keeps its name', async () => {
    const tier = await newTier();
    const first = definition(tier);
    expect((await create(first)).status).toBe(201);
    const second = await create(definition(tier));
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ type: 'experiment_running', message: expect.stringContaining(first.id) });

    await stop(first.id);
    expect((await create(definition(tier))).status).toBe(201);
    const reused = await create(definition(await newTier(), first.id));
    expect(reused.status).toBe(409);
    expect(reused.body.error.type).toBe('experiment_exists');
  });

  it('refuses a variant that would make the tier invalid, with the reason', async () => {
    const tier = await newTier();
    const refused = await create(definition(tier, uid('exp'), { burst: 100 }));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      type: 'invalid_experiment',
      message: expect.stringContaining('variants.1.limits.burst must be at most requestsPerHour'),
      fields: { 'variants.1.limits.burst': 'must be at most requestsPerHour' },
    });
    const unknownModel = await create(definition(tier, uid('exp'), { allowedModels: ['openai:gpt-9'] }));
    expect(unknownModel.body.error.fields).toEqual({
      'variants.1.limits.allowedModels.0': 'openai:gpt-9 is not a model this deployment offers',
    });
    expect((await admin<Experiment[]>(stack(), '/experiments')).body.filter((e) => e.tier === tier)).toEqual([]);
  });

  it('refuses malformed declarations with field-level messages', async () => {
    const tier = await newTier();
    const shares = await create({
      ...definition(tier),
      variants: [
        { name: 'a', share: 0.5 },
        { name: 'b', share: 0.3 },
      ],
    });
    expect(shares.status).toBe(400);
    expect(shares.body.error.fields).toEqual({ variants: 'shares add up to 0.8; they must add up to 1' });
    const typo = await create(definition(tier, uid('exp'), { burts: 2 }));
    expect(typo.status).toBe(400);
    expect(Object.keys(typo.body.error.fields!)).toEqual(['body.variants.1.limits']);
    const noTier = await create(definition('no-such-tier'));
    expect(noTier).toMatchObject({ status: 400, body: { error: { fields: { tier: 'unknown tier' } } } });
    expect((await create({ ...definition(tier), id: 'Bad:Id' })).status).toBe(400);
  });

  it('answers 404 for an unknown experiment', async () => {
    expect((await admin(stack(), '/experiments/no-such-experiment')).status).toBe(404);
    expect((await stop('no-such-experiment')).status).toBe(404);
    expect((await admin(stack(), '/experiments/no-such-experiment/report')).status).toBe(404);
  });

  it('refuses a tier edit that would make a running variant invalid, and allows it once it stopped', async () => {
    const tier = await newTier();
    const experiment = definition(tier, uid('exp'), { burst: 30 });
    expect((await create(experiment)).status).toBe(201);
    const edit = await admin<ErrorBody>(stack(), `/tiers/${tier}`, {
      method: 'PUT',
      body: { ...limits, requestsPerHour: 20 },
    });
    expect(edit.status).toBe(400);
    expect(edit.body.error.fields).toEqual({
      [`experiment.${experiment.id}.variants.1.limits.burst`]: 'must be at most requestsPerHour',
    });
    // A partial edit (PATCH, `tiers put` with some limits) is held to the same rule.
    const patch = await admin<ErrorBody>(stack(), `/tiers/${tier}`, { method: 'PATCH', body: { requestsPerHour: 20 } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.fields).toEqual(edit.body.error.fields);
    expect((await admin<{ requestsPerHour: number }>(stack(), `/tiers/${tier}`)).body.requestsPerHour).toBe(60);
    await stop(experiment.id);
    expect(
      (await admin(stack(), `/tiers/${tier}`, { method: 'PUT', body: { ...limits, requestsPerHour: 20 } })).status,
    ).toBe(200);
  });
});
