// Tool loops end to end against the local model server's `call tool NAME {json}` knob:
// automatic tools, confirmation in both protocols, tier gating and the step limit.
import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { UIMessage } from 'ai';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';
import { readDataStream, readUiStream } from '../helpers/protocol-readers.js';
import { answerApprovals, legacyAnswer } from '../helpers/tool-answers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { DynamoNotesStore } from '../../functions/tools/dynamo-tool-stores.js';
import type { Tier } from '../../functions/shared/tier.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  environment: { MODEL_CATALOG: JSON.stringify(testCatalog), TIER_CACHE_MS: '0', SIGNUP_CREDITS: '0' },
});
const store = useStackFixtures(stack);
let notes: DynamoNotesStore;
beforeAll(() => {
  notes = new DynamoNotesStore(store().db, stack().tables.credits);
});

async function userOn(overrides: Partial<Tier> = {}) {
  const { userId } = await store().userOnNewTier({ features: ['tool_execution'], maxSteps: 5, ...overrides });
  return { userId, token: await stack().token(userId) };
}

const userMessage = (text: string): UIMessage => ({
  id: `m-${randomUUID().slice(0, 6)}`,
  role: 'user',
  parts: [{ type: 'text', text }],
});
const postUi = (token: string, messages: UIMessage[]) => postChat(stack(), { token, body: { id: 'chat', messages } });

describe('automatic tools', () => {
  it('run server-side and their results stream back (UI message stream)', async () => {
    const { token } = await userOn();
    const read = await readUiStream(
      (await postUi(token, [userMessage('call tool think {"thought":"plan the answer"}')])).body!,
    );
    expect(read.chunks).toContainEqual(
      expect.objectContaining({ type: 'tool-output-available', output: { noted: true, length: 15 } }),
    );
    expect(read.text).toBe('Tool think returned: {"noted":true,"length":15}');
  });

  it("read the caller's real balance from the store (data stream protocol)", async () => {
    const { token } = await userOn();
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('call tool getMyUsage {}') })).body!,
    );
    const result = read.toolResults[0]!.result as {
      found: boolean;
      balance: number;
      available: number;
      openStreams: number;
    };
    // Read while this very stream runs: its reservation is open and not yet charged.
    expect(result).toMatchObject({ found: true, balance: 1_000_000, openStreams: 1 });
    expect(result.available).toBeLessThan(result.balance);
    expect(read.text).toContain('Tool getMyUsage returned:');
    expect(read.errors).toEqual([]);
  });

  it('turn bad arguments into a tool error the model sees, not a crash', async () => {
    const { token } = await userOn();
    const read = await readUiStream((await postUi(token, [userMessage('call tool think {"thought":""}')])).body!);
    expect(read.chunks.some((c) => c.type === 'tool-input-error' || c.type === 'tool-output-error')).toBe(true);
    expect(read.chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(read.text).toMatch(/^Tool think returned: .+/);
  });

  it('turn a call of an unknown tool into a tool error the model sees', async () => {
    const { token } = await userOn();
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('force call tool deleteEverything {}') })).body!,
    );
    expect(read.errors).toEqual([]);
    expect(read.finishMessage?.finishReason).toBe('stop');
    expect(read.text).toMatch(/^Tool deleteEverything returned: .*deleteEverything/);
  });
});

describe('tools that need confirmation: current useChat (tool approval, UI message stream)', () => {
  it('stream the call and stop; an approval runs the tool once and the conversation continues', async () => {
    const { userId, token } = await userOn();
    const ask = userMessage('call tool saveNote {"text":"buy milk"}');
    const first = await readUiStream((await postUi(token, [ask])).body!);
    expect(first.chunks).toContainEqual(expect.objectContaining({ type: 'tool-approval-request' }));
    expect(first.chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
    expect(await notes.list(userId)).toEqual([]);

    const approved = answerApprovals(first.message!, true);
    const second = await readUiStream((await postUi(token, [ask, approved])).body!, { message: approved });
    expect(second.chunks).toContainEqual(
      expect.objectContaining({ type: 'tool-output-available', output: { saved: true, noteId: expect.any(String) } }),
    );
    expect(second.text).toContain('Tool saveNote returned:');
    expect(await notes.list(userId)).toEqual([expect.objectContaining({ text: 'buy milk' })]);

    // The client sends the same approval again: the note is not saved twice.
    await readUiStream((await postUi(token, [ask, approved])).body!, { message: approved });
    expect(await notes.list(userId)).toHaveLength(1);
  });

  it('a denial does not run the tool and the model is told', async () => {
    const { userId, token } = await userOn();
    const ask = userMessage('call tool saveNote {"text":"secret plan"}');
    const first = await readUiStream((await postUi(token, [ask])).body!);
    const denied = answerApprovals(first.message!, false);
    const second = await readUiStream((await postUi(token, [ask, denied])).body!, { message: denied });
    expect(second.chunks).toContainEqual(expect.objectContaining({ type: 'tool-output-denied' }));
    expect(await notes.list(userId)).toEqual([]);
    expect(second.chunks.at(-1)).toMatchObject({ type: 'finish' });
  });

  it('refuses a forged approval (signature does not match) with a tool error', async () => {
    const { userId, token } = await userOn();
    const ask = userMessage('call tool saveNote {"text":"forged"}');
    const first = await readUiStream((await postUi(token, [ask])).body!);
    const forged = answerApprovals(first.message!, true);
    for (const part of forged.parts)
      if ('approval' in part && part.approval) Object.assign(part.approval, { signature: 'AAAA' });
    const read = await readUiStream((await postUi(token, [ask, forged])).body!, { message: forged });
    expect(await notes.list(userId)).toEqual([]);
    expect(read.chunks).toContainEqual(
      expect.objectContaining({ type: 'tool-output-error', errorText: 'tool approval could not be verified' }),
    );
    expect(read.errors).toEqual([]);
  });
});

describe('tools that need confirmation: AI SDK 4 useChat (addToolResult, data stream protocol)', () => {
  it('stream the call as a client tool; "yes" runs it once and the model continues', async () => {
    const { userId, token } = await userOn();
    const ask = { id: 'u1', role: 'user', content: 'call tool saveNote {"text":"call mom"}' };
    const first = await readDataStream((await postChat(stack(), { token, body: { messages: [ask] } })).body!);
    expect(first.toolCalls).toEqual([expect.objectContaining({ toolName: 'saveNote', args: { text: 'call mom' } })]);
    expect(first.finishMessage?.finishReason).toBe('tool-calls');
    expect(await notes.list(userId)).toEqual([]);

    const answered = legacyAnswer(first, { confirmed: true });
    const second = await readDataStream(
      (await postChat(stack(), { token, body: { messages: [ask, answered] } })).body!,
    );
    expect(second.text).toMatch(/^Tool saveNote returned: \{"saved":true/);
    expect(await notes.list(userId)).toEqual([
      expect.objectContaining({ text: 'call mom', noteId: first.toolCalls[0]!.toolCallId }),
    ]);

    // Later turns resend the answered call: it does not run again.
    await readDataStream(
      (
        await postChat(stack(), {
          token,
          body: { messages: [ask, answered, { id: 'u2', role: 'user', content: '2 words' }] },
        })
      ).body!,
    );
    expect(await notes.list(userId)).toHaveLength(1);
  });

  it('"no" does not run it and the model reads the refusal', async () => {
    const { userId, token } = await userOn();
    const ask = { id: 'u1', role: 'user', content: 'call tool saveNote {"text":"nope"}' };
    const first = await readDataStream((await postChat(stack(), { token, body: { messages: [ask] } })).body!);
    const second = await readDataStream(
      (await postChat(stack(), { token, body: { messages: [ask, legacyAnswer(first, 'no')] } })).body!,
    );
    expect(second.text).toContain('declined');
    expect(await notes.list(userId)).toEqual([]);
  });
});

describe('throttling applies to tools', () => {
  it('offers no tools on a tier without tool_execution, and refuses a tool answer with 403', async () => {
    const { userId, token } = await userOn({ features: [] });
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('call tool saveNote {"text":"x"}') })).body!,
    );
    expect(read.toolCalls).toEqual([]);
    expect(read.text).toBe('I cannot call saveNote: it is not offered to me.');
    const answer = {
      id: 'a1',
      role: 'assistant',
      content: '',
      toolInvocations: [
        { state: 'result', toolCallId: 'c1', toolName: 'saveNote', args: { text: 'x' }, result: { confirmed: true } },
      ],
    };
    const refused = await postChat(stack(), { token, body: { messages: [{ role: 'user', content: 'save' }, answer] } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('feature_not_allowed');
    expect(await notes.list(userId)).toEqual([]);
  });

  it("ends a tool loop at the tier's maxSteps, and bills every step to the same session", async () => {
    const { userId, token } = await userOn({ maxSteps: 2 });
    const read = await readDataStream(
      (await postChat(stack(), { token, body: legacyBody('call tool think {"thought":"again"} 5 times') })).body!,
    );
    expect(read.finishSteps).toHaveLength(2);
    expect(read.toolResults).toHaveLength(2);
    const [session] = await store().sessions(userId);
    const stepUsage = read.finishSteps.reduce((sum, s) => sum + s.usage!.promptTokens, 0);
    expect(session).toMatchObject({ tokensIn: stepUsage });
    await store().expectBalanced(userId);
  });
});
