// Lambda policies: log retention, timeout bounds, and the stream's concurrency cap (known by tag).
import { describe, expect, it } from 'vitest';
import { resourceViolations, stackViolations } from '../helpers/policy-harness.js';
import { lambda, logGroup, table } from '../helpers/policy-fixtures.js';
import {
  lambdaLogRetention,
  lambdaTimeoutBounded,
  streamConcurrencyCapped,
} from '../../infra/policy/lambda-policies.js';

describe('lambda-log-retention', () => {
  it('passes a function with a retained log group and fires without one', async () => {
    expect(await stackViolations(lambdaLogRetention, [lambda('sweeper'), logGroup('sweeper')])).toEqual([]);
    expect(await stackViolations(lambdaLogRetention, [lambda('sweeper')])).toHaveLength(1);
    expect(
      await stackViolations(lambdaLogRetention, [
        lambda('sweeper'),
        logGroup('sweeper', { retentionInDays: undefined }),
      ]),
    ).toHaveLength(1);
  });
});

describe('lambda-timeout-bounds', () => {
  it('passes 1-900 s and fires outside or unset', async () => {
    expect(await resourceViolations(lambdaTimeoutBounded, lambda('sweeper', { timeout: 900 }))).toEqual([]);
    expect(await resourceViolations(lambdaTimeoutBounded, lambda('sweeper', { timeout: 901 }))).toHaveLength(1);
    expect(await resourceViolations(lambdaTimeoutBounded, lambda('sweeper', { timeout: undefined }))).toHaveLength(1);
    expect(await resourceViolations(lambdaTimeoutBounded, table())).toEqual([]);
  });
});

describe('stream-reserved-concurrency', () => {
  const uncapped = { reservedConcurrentExecutions: undefined };

  it('passes a capped stream function and fires on an uncapped one', async () => {
    expect(await resourceViolations(streamConcurrencyCapped, lambda('chat-stream'))).toEqual([]);
    expect(await resourceViolations(streamConcurrencyCapped, lambda('chat-stream', uncapped))).toHaveLength(1);
    expect(await resourceViolations(streamConcurrencyCapped, lambda('admin-api', uncapped))).toEqual([]);
  });

  it('knows the stream by its component tag, not its name', async () => {
    const taggedStream = { ...lambda('chat-stream', uncapped), name: 'worker' };
    expect(await resourceViolations(streamConcurrencyCapped, taggedStream)).toHaveLength(1);
    const namedLikeStream = lambda('chat-stream-batch', { ...uncapped, tags: { component: 'batch' } });
    expect(await resourceViolations(streamConcurrencyCapped, namedLikeStream)).toEqual([]);
  });
});
