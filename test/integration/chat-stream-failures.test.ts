// What happens when things break after the stream began: the provider fails, or the
// client goes away.
import { describe, expect, it, vi } from 'vitest';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat, uiBody } from '../helpers/chat-client.js';
import { readDataStream, readUiStream, words } from '../helpers/protocol-readers.js';

// Throttled as in production, on a tier and balance that no test here exhausts.
const stack = useLocalStack({ environment: { DEFAULT_TIER: 'enterprise', SIGNUP_CREDITS: '1000000000' } });

describe('chat stream: provider failure mid-stream', () => {
  it('ends a data stream with a string error part naming the reason, then closes', async () => {
    const token = await stack().token('alice');
    const response = await postChat(stack(), { token, body: legacyBody('fail after 3 words') });
    expect(response.status).toBe(200);
    const read = await readDataStream(response.body!);
    expect(read.text).toBe(words(3));
    expect(read.errors).toHaveLength(1);
    expect(JSON.parse(read.errors[0]!)).toEqual({ type: 'provider_error', message: expect.any(String) });
  });

  it('ends a UI message stream with an error chunk carrying the same string', async () => {
    const token = await stack().token('alice');
    const response = await postChat(stack(), { token, body: uiBody('fail after 2 words') });
    const read = await readUiStream(response.body!);
    expect(read.text).toBe(words(2));
    expect(read.errors).toHaveLength(1);
    expect(JSON.parse(read.errors[0]!)).toMatchObject({ type: 'provider_error' });
  });
});

describe('chat stream: client disconnect', () => {
  it('stops the upstream generation when the client goes away', async () => {
    const token = await stack().token('alice');
    const { aborted: abortedBefore } = stack().model.stats;
    const client = new AbortController();
    const response = await postChat(stack(), {
      token,
      body: legacyBody('500 words at 20 tokens per second'),
      signal: client.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    await vi.waitFor(() => expect(stack().model.stats.aborted).toBe(abortedBefore + 1), { timeout: 10_000 });
    expect(stack().model.stats.active).toBe(0);
    expect(stack().model.stats.tokensSent).toBeLessThan(500);
  });
});
