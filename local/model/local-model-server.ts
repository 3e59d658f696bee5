// A deterministic OpenAI-compatible model server (chat completions, SSE streaming with
// usage in the final chunk, tool calls). Real HTTP, so the real @ai-sdk/openai provider
// talks to it exactly as it talks to OpenAI, Ollama or vLLM.
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import Fastify, { type FastifyReply } from 'fastify';
import { z } from 'zod';
import { boundedByTokens, inChunks, tokensIn } from './model-tokens.js';
import {
  chunkSizeFor,
  defaultKnobLimits,
  ignoresMaxTokens,
  knobProblem,
  scriptFor,
  speedFor,
  splitKeepingSpaces,
  tokensOf,
  type KnobLimits,
  type Script,
} from './knobs.js';

const messageSchema = z.looseObject({
  role: z.string(),
  content: z
    .union([
      z.string(),
      z.array(
        z.looseObject({
          type: z.string(),
          text: z.string().optional(),
          image_url: z.looseObject({ url: z.string() }).optional(),
        }),
      ),
      z.null(),
    ])
    .optional(),
});
const completionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  tools: z.array(z.looseObject({ function: z.looseObject({ name: z.string() }) })).optional(),
});
type CompletionRequest = z.infer<typeof completionRequestSchema>;
type ChatMessage = z.infer<typeof messageSchema>;

interface ModelServerStats {
  /** Chat completion requests received. */
  requests: number;
  /** Generations that ran to their end. */
  completed: number;
  /** Generations stopped because the client went away. */
  aborted: number;
  /** Generations broken on purpose ("fail after N words"). */
  failed: number;
  /** Generations running right now. */
  active: number;
  /** The most generations that ran at the same time. */
  maxActive: number;
  /** Content tokens sent, over all requests. */
  tokensSent: number;
  /** Bytes of images received inline (data URLs), over all requests. */
  inlineImageBytes: number;
  /** Images received as URLs for the model to fetch itself, over all requests. */
  imageUrls: number;
}

export interface LocalModelServerOptions {
  /** Streaming speed; 0 streams as fast as the socket takes it. */
  tokensPerSecond?: number;
  /** Bounds on what one request may ask for; an answer never exceeds `maxWords` tokens. */
  limits?: Partial<KnobLimits>;
}

const invalidRequest = (reply: FastifyReply, message: string) =>
  reply.code(400).send({ error: { message, type: 'invalid_request_error' } });

export interface LocalModelServer {
  url: string;
  stats: ModelServerStats;
  close(): Promise<void>;
}

const textOf = (message: ChatMessage): string =>
  typeof message.content === 'string'
    ? message.content
    : (message.content ?? []).map((part) => part.text ?? '').join('');

/** Prompt tokens as the service counts them: the text's tokens plus 4 per message. */
const countPromptTokens = (messages: ChatMessage[]): number =>
  messages.reduce((sum, m) => sum + 4 + tokensIn(textOf(m)), 0);

/** After tool results arrive, the model reports on them instead of calling again (unless asked to call K times). */
const lastUserText = (messages: ChatMessage[]) =>
  textOf(messages.findLast((m) => m.role === 'user') ?? { role: 'user' });

type Plan = Script | { kind: 'tool-report'; text: string };

/** Like a real model, it calls only tools it was offered; otherwise it says it cannot. */
function planFor(messages: ChatMessage[], offeredTools: string[]): Plan {
  const lastUser = messages.findLastIndex((m) => m.role === 'user');
  const script = scriptFor(lastUserText(messages));
  if (script.kind === 'tool' && !script.force && !offeredTools.includes(script.toolName)) {
    return { kind: 'tool-report', text: `I cannot call ${script.toolName}: it is not offered to me.` };
  }
  const toolResults = messages.slice(lastUser + 1).filter((m) => m.role === 'tool');
  if (script.kind === 'tool' && toolResults.length >= script.times) {
    return { kind: 'tool-report', text: `Tool ${script.toolName} returned: ${textOf(toolResults.at(-1)!)}` };
  }
  return script;
}

export async function startLocalModelServer(
  port = 0,
  options: LocalModelServerOptions = {},
): Promise<LocalModelServer> {
  const stats: ModelServerStats = {
    requests: 0,
    completed: 0,
    aborted: 0,
    failed: 0,
    active: 0,
    maxActive: 0,
    tokensSent: 0,
    inlineImageBytes: 0,
    imageUrls: 0,
  };
  const tokensPerSecond = options.tokensPerSecond ?? Number(process.env.LOCAL_MODEL_TOKENS_PER_SECOND ?? 200);
  const limits: KnobLimits = { ...defaultKnobLimits, ...options.limits };
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024, forceCloseConnections: true });

  app.get('/v1/models', async () => ({
    object: 'list',
    data: ['local-small', 'local-large'].map((id) => ({ id, object: 'model', owned_by: 'local' })),
  }));

  app.post('/v1/chat/completions', async (request, reply) => {
    stats.requests += 1;
    const parsed = completionRequestSchema.safeParse(request.body);
    if (!parsed.success) return invalidRequest(reply, parsed.error.message);
    countImages(parsed.data.messages, stats);
    const plan = planFor(
      parsed.data.messages,
      (parsed.data.tools ?? []).map((t) => t.function.name),
    );
    const problem = plan.kind === 'tool-report' ? undefined : knobProblem(plan, limits);
    if (problem) return invalidRequest(reply, `the last user message ${problem}`);
    return generate(parsed.data, plan, reply, stats, { tokensPerSecond, maxWords: limits.maxWords });
  });

  const address = await app.listen({ port, host: '127.0.0.1' });
  return { url: `${address}/v1`, stats, close: () => app.close() };
}

/** What a vision model would receive: image bytes inline, or URLs it would go and fetch. */
function countImages(messages: ChatMessage[], stats: ModelServerStats): void {
  for (const message of messages) {
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content) {
      const url = part.image_url?.url;
      if (url === undefined) continue;
      if (url.startsWith('data:'))
        stats.inlineImageBytes += Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').length;
      else stats.imageUrls += 1;
    }
  }
}

async function generate(
  body: CompletionRequest,
  plan: Plan,
  reply: FastifyReply,
  stats: ModelServerStats,
  settings: { tokensPerSecond: number; maxWords: number },
) {
  const tokensPerSecond = speedFor(lastUserText(body.messages)) ?? settings.tokensPerSecond;
  const lastText = lastUserText(body.messages);
  const asked = ignoresMaxTokens(lastText) ? undefined : (body.max_completion_tokens ?? body.max_tokens);
  const maxTokens = Math.min(asked ?? settings.maxWords, settings.maxWords);
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = countPromptTokens(body.messages);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: body.model,
    choices,
    ...extra,
  });

  const toolCall =
    plan.kind === 'tool' ? { id: `call_${randomUUID().slice(0, 8)}`, name: plan.toolName, args: plan.args } : undefined;
  const source =
    plan.kind === 'tool' ? [] : plan.kind === 'tool-report' ? splitKeepingSpaces(plan.text) : tokensOf(plan);
  const answer = boundedByTokens(source, maxTokens);
  // Several pieces per SSE chunk when asked ("in chunks of K"), as real servers batch under load.
  const chunks = inChunks(answer.pieces, chunkSizeFor(lastText) ?? 1);
  // Known once the tokens have been read.
  const finishReason = () => (toolCall ? 'tool_calls' : answer.state.truncated ? 'length' : 'stop');
  const usage = () => {
    const completionTokens = toolCall ? 1 + tokensIn(toolCall.args) : answer.state.tokens;
    return {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
  };

  if (!body.stream) {
    const content = [...chunks].join('');
    stats.completed += 1;
    stats.tokensSent += answer.state.tokens;
    return {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      usage: usage(),
      choices: [
        {
          index: 0,
          finish_reason: finishReason(),
          message: toolCall
            ? {
                role: 'assistant',
                content: null,
                tool_calls: [
                  { id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.args } },
                ],
              }
            : { role: 'assistant', content },
        },
      ],
    };
  }

  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let clientGone = false;
  raw.once('close', () => (clientGone = !raw.writableFinished));
  const send = (data: unknown) => raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  const pause = () =>
    tokensPerSecond > 0 ? sleep(1000 / tokensPerSecond) : new Promise<void>((resolve) => setImmediate(resolve));

  stats.active += 1;
  stats.maxActive = Math.max(stats.maxActive, stats.active);
  try {
    send(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    if (toolCall) {
      send(
        chunk([
          {
            index: 0,
            delta: {
              tool_calls: [
                { index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } },
              ],
            },
            finish_reason: null,
          },
        ]),
      );
      send(
        chunk([
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { arguments: toolCall.args } }] },
            finish_reason: null,
          },
        ]),
      );
    }
    for (const token of chunks) {
      await pause();
      if (clientGone) {
        stats.aborted += 1;
        return;
      }
      send(chunk([{ index: 0, delta: { content: token }, finish_reason: null }]));
      stats.tokensSent += tokensIn(token);
    }
    if (plan.kind === 'fail') {
      await pause();
      stats.failed += 1;
      raw.destroy(); // a broken upstream: no finish chunk, no [DONE]
      return;
    }
    if (plan.kind === 'stall') {
      // A hung model: the connection stays open and silent until the client gives up.
      if (!clientGone) await once(raw, 'close');
      stats.aborted += 1;
      return;
    }
    send(chunk([{ index: 0, delta: {}, finish_reason: finishReason() }]));
    if (body.stream_options?.include_usage) send(chunk([], { usage: usage() }));
    send('[DONE]');
    raw.end();
    stats.completed += 1;
  } finally {
    stats.active -= 1;
  }
}
