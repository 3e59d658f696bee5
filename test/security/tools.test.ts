// Issue 11, tools: no tools without an approval secret; a tool's internal errors never
// reach the client. Asserted on what the client sees (status and JSON body, protocol
// parts) and on what happened underneath (the notes store, DynamoDB requests, the log).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { UIMessage } from 'ai';
import { useInstrumentedStack, type DynamoRequest } from '../helpers/instrumented-stack.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream, readUiStream } from '../helpers/protocol-readers.js';
import { answerApprovals, legacyAnswer } from '../helpers/tool-answers.js';
import { StoreFixtures, testCatalog } from '../helpers/store-fixtures.js';
import { DynamoNotesStore } from '../../functions/tools/dynamo-tool-stores.js';
import { buildChatStreamHandler } from '../../functions/chat/build-chat-stream.js';
import { ConfigError, loadConfig } from '../../functions/config.js';
import type { Tier } from '../../functions/throttle/tier.js';

const stack = useInstrumentedStack({
  MODEL_CATALOG: JSON.stringify(testCatalog),
  TIER_CACHE_MS: '0',
  SIGNUP_CREDITS: '0',
});
let store: StoreFixtures;
let notes: DynamoNotesStore;
beforeAll(() => {
  store = new StoreFixtures(stack().dynamoEndpoint, stack().tables);
  notes = new DynamoNotesStore(store.db, stack().tables.credits);
});
afterAll(() => store.close());

async function userOn(overrides: Partial<Tier> = {}) {
  const { userId } = await store.userOnNewTier({ features: ['tool_execution'], maxSteps: 5, ...overrides });
  return { userId, token: await stack().token(userId) };
}

const newChat = () => `chat-${randomUUID().slice(0, 8)}`;
const post = (token: string, chatId: string, messages: unknown[]) =>
  postChat(stack(), { token, body: { id: chatId, messages } });

/** The DynamoDB requests the service sent while `work` ran. */
async function requestsDuring<T>(work: () => Promise<T>): Promise<{ result: T; requests: DynamoRequest[] }> {
  const before = stack().requests.length;
  const result = await work();
  return { result, requests: stack().requests.slice(before) };
}

describe('cold start', () => {
  it('refuses to start when tools are enabled and no approval secret is configured', async () => {
    const { TOOL_APPROVAL_SECRET: _secret, ...withoutSecret } = stack().environment;
    expect(() => buildChatStreamHandler(loadConfig(withoutSecret))).toThrow(ConfigError);
    expect(() => buildChatStreamHandler(loadConfig(withoutSecret))).toThrow(/TOOL_APPROVAL_SECRET is required/);
    expect(() => loadConfig({ ...withoutSecret, TOOL_APPROVAL_SECRET: 'too-short' })).toThrow(/at least 32/);
    expect(() => buildChatStreamHandler(loadConfig({ ...withoutSecret, TOOLS_ENABLED: 'false' }))).not.toThrow();

    // Behind the Function URL: the cold start fails with the ConfigError in the log, the caller gets a bare 500.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const url = await stack().serve(() => buildChatStreamHandler(loadConfig(withoutSecret)));
      const { token } = await userOn();
      const { result: response, requests } = await requestsDuring(() =>
        postChat({ streamUrl: url }, { token, body: legacyBody('3 words') }),
      );
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: { type: 'internal_error', message: 'internal error' } });
      expect(requests).toEqual([]);
      expect(logged.mock.calls.flat().join(' ')).toMatch(/ConfigError: TOOL_APPROVAL_SECRET is required/);
    } finally {
      logged.mockRestore();
    }
  });
});

describe('tool errors', () => {
  it("turns a store failure inside a tool into a generic tool error, without the store's text", async () => {
    const storeText = 'partition USER#x of table credits is corrupt (internal detail)';
    const generic = 'tool saveNote failed; the details were logged';
    const { userId, token } = await userOn();
    const chatId = newChat();
    const uiAsk = {
      id: 'u1',
      role: 'user',
      parts: [{ type: 'text', text: 'call tool saveNote {"text":"ui"}' }],
    } satisfies UIMessage;
    const uiFirst = await readUiStream((await post(token, chatId, [uiAsk])).body!);
    const uiApproved = answerApprovals(uiFirst.message!, true);
    const legacyAsk = { id: 'u1', role: 'user', content: 'call tool saveNote {"text":"data"}' };
    const legacyFirst = await readDataStream((await post(token, chatId, [legacyAsk])).body!);

    // The detail goes to the service's log, and only there.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    stack().failRequests(
      (r) => r.command === 'PutItemCommand' && /^NOTE#/.test(String((r.input.Item as { sk?: string }).sk)),
      storeText,
    );
    try {
      const uiText = await (await post(token, chatId, [uiAsk, uiApproved])).text();
      const ui = await readUiStream(new Response(uiText).body!, { message: uiApproved });
      expect(ui.chunks).toContainEqual(expect.objectContaining({ type: 'tool-output-error', errorText: generic }));

      const dataText = await (await post(token, chatId, [legacyAsk, legacyAnswer(legacyFirst, 'yes')])).text();
      const data = await readDataStream(new Response(dataText).body!);
      expect(data.text).toContain(generic);

      for (const text of [uiText, dataText]) expect(text).not.toContain('corrupt');
      const logLines = logged.mock.calls.map((args) => args.join(' ')).filter((line) => line.includes('tool failed'));
      expect(logLines).toHaveLength(2);
      for (const line of logLines) expect(line).toContain(storeText);
    } finally {
      stack().failRequests(undefined);
      logged.mockRestore();
    }
    expect(await notes.list(userId)).toEqual([]);
  });
});
