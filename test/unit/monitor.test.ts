import { describe, expect, it } from 'vitest';
import { monitorVerdict, type StreamBudget } from '../../functions/throttle/monitor-verdict.js';
import { UsageTally } from '../../functions/throttle/usage-tally.js';
import { takeLease } from '../../functions/throttle/lease.js';
import type { StreamPart } from '../../functions/chat/stream-gate.js';

const budget: StreamBudget = {
  maxTokensPerRequest: 50,
  tokenGrant: 70,
  reserved: 100,
  price: { input: 1_000_000, output: 2_000_000 },
  deadline: 10_000,
};

describe('monitor verdict', () => {
  it.each([
    ['lets a part within every limit through', { inputTokens: 10, outputTokens: 10 }, 1, 0, undefined],
    ['stops at the deadline', { inputTokens: 10, outputTokens: 10 }, 1, 10_000, 'max_duration_exceeded'],
    ['stops before passing max tokens per request', { inputTokens: 1, outputTokens: 50 }, 1, 0, 'max_tokens_exceeded'],
    ['stops before passing the minute grant', { inputTokens: 30, outputTokens: 40 }, 1, 0, 'rate_limit_exceeded'],
    ['stops before passing the reservation', { inputTokens: 20, outputTokens: 40 }, 1, 0, 'credits_exhausted'],
    ['allows exactly reaching the reservation', { inputTokens: 20, outputTokens: 39 }, 1, 0, undefined],
  ])('%s', (_name, usage, next, now, expected) => {
    expect(monitorVerdict(budget, usage, next, now)?.type).toBe(expected);
  });
});

const usage = (inputTokens: number, outputTokens: number) =>
  ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }) as never;

describe('usage tally', () => {
  it('counts provider usage for finished steps and estimates the step in flight', () => {
    const tally = new UsageTally(12);
    const parts: StreamPart[] = [
      { type: 'start-step', request: {}, warnings: [] },
      { type: 'text-delta', id: '0', text: 'hello' },
      { type: 'text-delta', id: '0', text: ' world' },
    ];
    for (const part of parts) tally.observe(part);
    expect(tally.usage).toEqual({ inputTokens: 12, outputTokens: 4 });
    expect(tally.source).toBe('estimate');
    tally.observe({ type: 'finish-step', usage: usage(15, 2), finishReason: 'stop' } as unknown as StreamPart);
    expect(tally.usage).toEqual({ inputTokens: 15, outputTokens: 2 });
    expect(tally.source).toBe('provider');
    tally.observe({ type: 'start-step', request: {}, warnings: [] });
    tally.observe({ type: 'text-delta', id: '1', text: 'more' });
    expect(tally.usage).toEqual({ inputTokens: 15 + 17, outputTokens: 3 });
  });

  it('knows when nothing was produced', () => {
    expect(new UsageTally(10).producedOutput).toBe(false);
  });
});

describe('concurrency lease', () => {
  const entry = (expiresAt: number) => ({
    reserved: 1,
    tokenGrant: 1,
    window: 0,
    model: 'm',
    requestedModel: 'm',
    tokensIn: 1,
    startedAt: 0,
    expiresAt,
  });
  it.each([
    ['a free slot', {}, 1, { allowed: true, held: 0 }],
    ['all slots held', { a: entry(200) }, 1, { allowed: false, held: 1, expired: [] }],
    [
      'held slots past expiry are named',
      { a: entry(50), b: entry(200) },
      2,
      { allowed: false, held: 2, expired: ['a'] },
    ],
  ])('%s', (_name, pending, max, expected) => {
    expect(takeLease(pending, max, 100)).toEqual(expected);
  });
});
