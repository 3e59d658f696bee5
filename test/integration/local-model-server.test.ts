// The local model server through the real @ai-sdk/openai provider over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText, generateText, tool, jsonSchema } from 'ai';
import { startLocalModelServer, type LocalModelServer } from '../../local/model/local-model-server.js';
import { scriptFor } from '../../local/model/knobs.js';
import { tokensIn } from '../../local/model/model-tokens.js';

let server: LocalModelServer;
beforeAll(async () => {
  server = await startLocalModelServer(0, { tokensPerSecond: 0 });
});
afterAll(() => server.close());
const model = () => createOpenAI({ baseURL: server.url, apiKey: 'x' }).chat('local-small');

describe('local model server', () => {
  it.each([
    ['7 words', { kind: 'words', count: 7 }],
    ['echo: a b', { kind: 'echo', text: 'a b' }],
    ['please fail after 2 words', { kind: 'fail', afterWords: 2 }],
    [
      'call tool saveNote {"text":"x"} 2 times',
      { kind: 'tool', toolName: 'saveNote', args: '{"text":"x"}', times: 2, force: false },
    ],
    ['force call tool nope', { kind: 'tool', toolName: 'nope', args: '{}', times: 1, force: true }],
    ['hello', { kind: 'greeting' }],
  ])('reads the knob in %j', (text, script) => {
    expect(scriptFor(text)).toEqual(script);
  });

  it("answers a malformed completion request with a 400 in OpenAI's error shape", async () => {
    const { requests, completed } = server.stats;
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local-small', messages: [] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(server.stats.requests).toBe(requests + 1);
    expect(server.stats.completed).toBe(completed);
  });

  it('streams exactly N words and reports their tokens as cl100k_base counts them', async () => {
    const result = streamText({ model: model(), prompt: '9 words' });
    const text = await result.text;
    expect(text).toBe('w1 w2 w3 w4 w5 w6 w7 w8 w9');
    expect((await result.totalUsage).outputTokens).toBe(tokensIn(text));
    expect((await result.totalUsage).inputTokens).toBe(4 + tokensIn('9 words'));
  });

  it('honours max tokens, cutting mid-word at the token limit, with finish reason length', async () => {
    const result = streamText({ model: model(), prompt: '50 words', maxOutputTokens: 5 });
    expect(await result.text).toBe('w1 w2 w'); // "w", "1", " w", "2", " w"
    expect(await result.finishReason).toBe('length');
    expect((await result.totalUsage).outputTokens).toBe(5);
  });

  it('sends several words per chunk when asked for large chunks, with the same usage', async () => {
    const result = streamText({ model: model(), prompt: '12 words in chunks of 5' });
    const chunks: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'text-delta') chunks.push(part.text);
    expect(chunks).toEqual(['w1 w2 w3 w4 w5', ' w6 w7 w8 w9 w10', ' w11 w12']);
    expect((await result.totalUsage).outputTokens).toBe(tokensIn(chunks.join('')));
  });

  it('emits a tool call and reports on the tool result in the next step', async () => {
    const result = await generateText({
      model: model(),
      prompt: 'call tool lookup {"q":"x"}',
      tools: {
        lookup: tool({
          inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } } }),
          execute: async ({ q }) => ({ found: q }),
        }),
      },
      stopWhen: ({ steps }) => steps.length >= 3,
    });
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'lookup', input: { q: 'x' } });
    expect(result.text).toBe('Tool lookup returned: {"found":"x"}');
  });
});
