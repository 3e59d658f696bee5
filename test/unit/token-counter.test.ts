// Token counts of stream parts: the same as the encoding's, with short recurring texts
// remembered in a bounded memo.
import { describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { loadTokenCounter, rememberingCounts } from '../../functions/tokens/token-counter.js';

describe('token counter', () => {
  it('counts as the encoding does, for short recurring parts and long texts alike', async () => {
    const counter = await loadTokenCounter('cl100k_base');
    const texts = [' the', ',', ' the', 'Hello', ' world', 'x'.repeat(200), ' the', 'Hello', '<|endoftext|>', ''];
    for (const text of texts) {
      expect(counter.count(text)).toBe(text ? countTokens(text, { disallowedSpecial: new Set() }) : 0);
    }
  });

  it('remembers short texts, passes long ones through, and holds a bounded number', () => {
    const asked: string[] = [];
    const count = rememberingCounts(
      (text) => {
        asked.push(text);
        return text.length;
      },
      { maxLength: 4, maxTexts: 3 },
    );
    expect([count('ab'), count('ab'), count('abcde'), count('abcde')]).toEqual([2, 2, 5, 5]);
    expect(asked).toEqual(['ab', 'abcde', 'abcde']);
    // Three texts fill the memo; a fourth starts it over, so the first is counted again.
    count('c');
    count('d');
    count('e');
    count('ab');
    expect(asked.slice(3)).toEqual(['c', 'd', 'e', 'ab']);
  });
});
