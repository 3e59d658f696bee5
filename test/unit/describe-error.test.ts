import { describe, expect, it } from 'vitest';
import { describeError, parseServiceError } from '../../local/playground/describe-error.js';

describe('playground error wording', () => {
  it("reads both error shapes: a JSON body before streaming and an error part's JSON text", () => {
    expect(parseServiceError('{"error":{"type":"credits_exhausted","message":"m"}}')).toEqual({
      type: 'credits_exhausted',
      message: 'm',
    });
    expect(parseServiceError('{"type":"max_tokens_exceeded","message":"m"}')).toEqual({
      type: 'max_tokens_exceeded',
      message: 'm',
    });
    expect(parseServiceError('Failed to fetch')).toEqual({ type: 'unknown', message: 'Failed to fetch' });
  });

  it.each([
    ['rate_limit_exceeded', 'x', 120, 'Try again in 2 minutes'],
    ['tokens_per_minute_exceeded', 'x', undefined, 'tokens-per-minute limit and was cut short'],
    ['tokens_per_minute_exceeded', 'x', 30, 'Try again in 30 seconds'],
    ['credits_exhausted', 'Your credits ran out during this answer.', undefined, 'cut short'],
    ['credits_exhausted', 'the balance cannot pay', 0, 'have run out'],
    ['session_terminated', 'x', undefined, 'An administrator stopped this answer.'],
    ['something_new', 'the server said so', undefined, 'the server said so'],
  ])('%s (%s) reads as words', (type, message, retryAfter, expected) => {
    expect(describeError({ type, message }, retryAfter)).toContain(expected);
  });
});
