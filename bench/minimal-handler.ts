// The yardstick of cold start: the smallest streaming Lambda that answers with the AI SDK
// (`ai` + `@ai-sdk/openai`), bundled exactly as the service's functions are.
import type { Writable } from 'node:stream';
import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';
import { lambdaRuntime } from '../functions/lambda/lambda-runtime.js';

const runtime = lambdaRuntime();

export const handler = runtime.streamifyResponse(async (_event: unknown, responseStream: Writable) => {
  const provider = createOpenAI({ baseURL: process.env.LOCAL_MODEL_URL, apiKey: 'local-no-key' });
  const result = streamText({ model: provider.chat('local-small'), prompt: '20 words' });
  const out = runtime.HttpResponseStream.from(responseStream, { statusCode: 200 });
  for await (const text of result.textStream) out.write(text);
  out.end();
});
