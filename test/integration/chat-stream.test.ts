// The chat stream end to end on the production code path: Function URL emulator ->
// real Lambda handler -> real @ai-sdk/openai provider -> local model server over HTTP.
import { describe, expect, it, vi } from 'vitest';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat, uiBody } from '../helpers/chat-client.js';
import { readDataStream, readUiStream, words } from '../helpers/protocol-readers.js';

// Throttled as in production, on a tier and balance that no test here exhausts.
const stack = useLocalStack({ environment: { DEFAULT_TIER: 'enterprise', SIGNUP_CREDITS: '1000000000' } });

describe('chat stream: both wire protocols', () => {
  it('streams an AI SDK 4 request in the data stream protocol, parsed by AI SDK 4 processDataStream', async () => {
    const token = await stack().token('alice');
    const response = await postChat(stack(), { token, body: legacyBody('12 words') });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-vercel-ai-data-stream')).toBe('v1');
    const read = await readDataStream(response.body!);
    expect(read.text).toBe(words(12));
    expect(read.textParts).toHaveLength(12);
    expect(read.errors).toEqual([]);
    expect(read.finishSteps).toEqual([
      { finishReason: 'stop', isContinued: false, usage: { promptTokens: expect.any(Number), completionTokens: 24 } },
    ]);
    // Twelve words, two cl100k_base tokens each.
    expect(read.finishMessage).toMatchObject({ finishReason: 'stop', usage: { completionTokens: 24 } });
  });

  it('streams a current useChat request as a UI message stream that the ai package parses and validates', async () => {
    const token = await stack().token('alice');
    const response = await postChat(stack(), { token, body: uiBody('echo: hello streaming world') });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const read = await readUiStream(response.body!);
    expect(read.text).toBe('hello streaming world');
    expect(read.chunks[0]).toMatchObject({ type: 'start' });
    expect(read.chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
  });

  it('lets ?protocol override the body shape in both directions', async () => {
    const token = await stack().token('alice');
    const ui = await postChat(stack(), { token, protocol: 'ui', body: legacyBody('3 words') });
    expect(ui.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect((await readUiStream(ui.body!)).text).toBe(words(3));

    const data = await postChat(stack(), { token, protocol: 'data', body: uiBody('4 words') });
    expect(data.headers.get('x-vercel-ai-data-stream')).toBe('v1');
    expect((await readDataStream(data.body!)).text).toBe(words(4));
  });

  it('delivers the first part while the model is still generating (no buffering)', async () => {
    const token = await stack().token('alice');
    const response = await postChat(stack(), { token, body: legacyBody('300 words at 20 tokens per second') });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^f:|^0:/);
    // The first bytes arrived while the generation is still running on the model server.
    expect(stack().model.stats.active).toBe(1);
    await reader.cancel();
    await vi.waitFor(() => expect(stack().model.stats.active).toBe(0));
  });
});
