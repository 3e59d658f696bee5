import { beforeAll, describe, expect, it } from 'vitest';
import { monitorVerdict, remainingOutput, type StreamBudget } from '../../functions/throttle/monitor-verdict.js';
import { UsageTally } from '../../functions/throttle/usage-tally.js';
import { takeLease, leaseGraceMs } from '../../functions/throttle/lease.js';
import type { StreamPart } from '../../functions/chat/stream-gate.js';
import { loadTokenCounter, type TokenCounter } from '../../functions/tokens/token-counter.js';
import { pendingEntry } from '../helpers/pending.js';

// Prices: 1 micro-unit per input token, 2 per output token.
const budget = (overrides: Partial<StreamBudget> = {}): StreamBudget => ({
  maxTokensPerRequest: 50,
  tokenGrant: 70,
  reserved: 1_000,
  price: { input: 1_000_000, output: 2_000_000 },
  deadline: 10_000,
  binding: 'max_tokens_exceeded',
  ...overrides,
});

describe('monitor verdict', () => {
  it.each<
    [string, Partial<StreamBudget>, { inputTokens: number; outputTokens: number }, number, number, string | undefined]
  >([
    ['lets a part within every limit through', {}, { inputTokens: 10, outputTokens: 10 }, 1, 0, undefined],
    ['stops at the deadline', {}, { inputTokens: 10, outputTokens: 10 }, 1, 10_000, 'max_duration_exceeded'],
    [
      'stops before passing max tokens per request',
      {},
      { inputTokens: 10, outputTokens: 50 },
      1,
      0,
      'max_tokens_exceeded',
    ],
    [
      'stops before passing the minute grant',
      {},
      { inputTokens: 30, outputTokens: 40 },
      1,
      0,
      'tokens_per_minute_exceeded',
    ],
    [
      'stops before passing the reservation',
      { reserved: 100 },
      { inputTokens: 20, outputTokens: 40 },
      1,
      0,
      'credits_exhausted',
    ],
    [
      'allows exactly reaching the reservation',
      { reserved: 100 },
      { inputTokens: 20, outputTokens: 39 },
      1,
      0,
      undefined,
    ],
    [
      'stops a part that would jump past a limit in one go',
      {},
      { inputTokens: 10, outputTokens: 0 },
      51,
      0,
      'max_tokens_exceeded',
    ],
    [
      'names credits when credits sized the minute grant (a tie)',
      { maxTokensPerRequest: 100, tokenGrant: 50, reserved: 90, binding: 'credits_exhausted' },
      { inputTokens: 10, outputTokens: 40 },
      1,
      0,
      'credits_exhausted',
    ],
    [
      'names the minute grant when it sized the stream (the same tie)',
      { maxTokensPerRequest: 100, tokenGrant: 50, reserved: 90, binding: 'tokens_per_minute_exceeded' },
      { inputTokens: 10, outputTokens: 40 },
      1,
      0,
      'tokens_per_minute_exceeded',
    ],
    [
      'names the limit that binds at the current input, not the one that sized the stream',
      { maxTokensPerRequest: 100, tokenGrant: 200, reserved: 110, binding: 'max_tokens_exceeded' },
      { inputTokens: 30, outputTokens: 40 },
      1,
      0,
      'credits_exhausted',
    ],
  ])('%s', (_name, overrides, usage, next, now, expected) => {
    expect(monitorVerdict(budget(overrides), usage, next, now)).toBe(expected);
  });

  it('counts what the stream may still produce under every limit', () => {
    expect(remainingOutput(budget(), { inputTokens: 30, outputTokens: 15 })).toBe(25);
    expect(remainingOutput(budget(), { inputTokens: 30, outputTokens: 45 })).toBe(0);
  });
});

const usage = (inputTokens: number, outputTokens: number) =>
  ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }) as never;

describe('usage tally', () => {
  let counter: TokenCounter;
  beforeAll(async () => {
    counter = await loadTokenCounter('cl100k_base');
  });

  it('counts provider usage for finished steps and the tokenizer for the step in flight', () => {
    const tally = new UsageTally(12, counter);
    const parts: StreamPart[] = [
      { type: 'start-step', request: {}, warnings: [] },
      { type: 'text-delta', id: '0', text: 'hello' },
      { type: 'text-delta', id: '0', text: ' world, how are you today?' },
    ];
    for (const part of parts) tally.observe(part);
    // cl100k_base: "hello" is 1 token, " world, how are you today?" 7.
    expect(tally.usage).toEqual({ inputTokens: 12, outputTokens: 8 });
    expect(tally.source).toBe('estimate');
    tally.observe({ type: 'finish-step', usage: usage(15, 9), finishReason: 'stop' } as unknown as StreamPart);
    expect(tally.usage).toEqual({ inputTokens: 15, outputTokens: 9 });
    expect(tally.source).toBe('provider');
    tally.observe({ type: 'start-step', request: {}, warnings: [] });
    tally.observe({ type: 'text-delta', id: '1', text: 'more' });
    expect(tally.usage).toEqual({ inputTokens: 15 + 24, outputTokens: 10 });
  });

  it('counts text as the tokenizer does, not by characters', () => {
    const tally = new UsageTally(0, counter);
    const sentence = 'The quick brown fox jumps over the lazy dog';
    // 9 tokens in cl100k_base; characters / 4 would say 11.
    expect(tally.tokensOf({ type: 'text-delta', id: '0', text: sentence.repeat(30) })).toBe(
      counter.count(sentence.repeat(30)),
    );
    expect(tally.tokensOf({ type: 'text-delta', id: '0', text: sentence })).toBe(9);
  });

  it('knows when nothing was produced', () => {
    expect(new UsageTally(10, counter).producedOutput).toBe(false);
  });
});

describe('concurrency lease', () => {
  const held = (leaseUntil: number) => pendingEntry({ leaseUntil, expiresAt: leaseUntil + 60_000 });
  it.each([
    ['a free slot', {}, 1, { allowed: true, held: 0 }],
    ['all slots held', { a: held(200) }, 1, { allowed: false, held: 1, lapsed: [] }],
    [
      'held slots whose lease lapsed are named',
      { a: held(100 - leaseGraceMs - 1), b: held(200) },
      2,
      { allowed: false, held: 2, lapsed: ['a'] },
    ],
  ])('%s', (_name, pending, max, expected) => {
    expect(takeLease(pending, max, 100)).toEqual(expected);
  });
});
