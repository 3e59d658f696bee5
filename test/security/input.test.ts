// Issue 11, input: no chat-stream request body yields a 500, or is admitted and then fails.
// A body the service cannot take (nested past the bound anywhere, not UTF-8, a key twice in
// one object, a wrong type in any field, a conversation no model call accepts) is a 4xx
// JSON error before any DynamoDB or model request. System messages of both useChat
// generations reach the model. A store failure shows the client no store text. Asserted on
// what the client sees and on the DynamoDB and model requests the service made.
import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { useInstrumentedStack, type DynamoRequest } from '../helpers/instrumented-stack.js';
import { chatUrl } from '../helpers/chat-client.js';
import { readDataStream, readUiStream } from '../helpers/protocol-readers.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { useStackFixtures } from '../helpers/test-store.js';
import { maxJsonDepth } from '../../functions/chat/chat-request.js';
import { tokensIn } from '../../local/model/model-tokens.js';
import type { Tier } from '../../functions/shared/tier.js';

const maxBodyBytes = 256 * 1024; // MAX_BODY_BYTES, the default
const stack = useInstrumentedStack({
  MODEL_CATALOG: JSON.stringify(testCatalog),
  TIER_CACHE_MS: '0',
  SIGNUP_CREDITS: '0',
});
const store = useStackFixtures(stack);
afterEach(() => stack().failRequests(undefined));

type ErrorBody = { error: { type: string; message: string } & Record<string, unknown> };
type Protocol = 'data' | 'ui';

const roomyTier: Partial<Tier> = {
  features: ['tool_execution'],
  requestsPerHour: 100_000,
  burst: 100_000,
  tokensPerMinute: 100_000_000,
  maxTokensPerRequest: 2_000,
};
async function newUser(overrides: Partial<Tier> = {}) {
  const { userId } = await store().userOnNewTier({ ...roomyTier, ...overrides }, 1_000_000_000);
  return { userId, token: await stack().token(userId) };
}

interface SendOptions {
  protocol?: Protocol;
  /** application/json unless said otherwise; null sends none. */
  contentType?: string | null;
}

function send(token: string, body: string | Uint8Array, options: SendOptions = {}): Promise<Response> {
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  return fetch(chatUrl(stack(), { protocol: options.protocol }), {
    method: 'POST',
    headers: { ...(contentType ? { 'content-type': contentType } : {}), authorization: `Bearer ${token}` },
    body,
  });
}

/** A 4xx JSON error, and not one DynamoDB or model request while it was made. */
async function expectRefused(
  token: string,
  body: string | Uint8Array,
  options: Protocol | SendOptions = {},
): Promise<ErrorBody> {
  const requests = stack().requests.length;
  const modelRequests = stack().modelRequests();
  const response = await send(token, body, typeof options === 'string' ? { protocol: options } : options);
  const text = await response.text();
  expect(response.status, text).toBeGreaterThanOrEqual(400);
  expect(response.status, text).toBeLessThan(500);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const error = JSON.parse(text) as ErrorBody;
  expect(error.error).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
  expect(stack().requests.slice(requests)).toEqual([]);
  expect(stack().modelRequests()).toBe(modelRequests);
  return error;
}

/** Streams an accepted request to its end, and waits until its session is settled (no more store work). */
async function streamToEnd(user: { userId: string; token: string }, body: unknown, protocol?: Protocol) {
  const settled = (await store().sessions(user.userId)).length;
  const response = await send(user.token, typeof body === 'string' ? body : JSON.stringify(body), { protocol });
  expect(response.status, response.status === 200 ? '' : await response.clone().text()).toBe(200);
  const read =
    response.headers.get('x-vercel-ai-data-stream') === 'v1'
      ? await readDataStream(response.body!)
      : await readUiStream(response.body!);
  await expect.poll(async () => (await store().sessions(user.userId)).length).toBe(settled + 1);
  const sessions = await store().sessions(user.userId);
  return { read, session: sessions.sort((a, b) => b.settledAt - a.settledAt)[0]! };
}

// Bodies of both useChat generations, each with a tool call answered in its history.
const legacyConversation = (args: unknown = { thought: 'x' }) => ({
  id: 'chat-input',
  messages: [
    { id: 'm1', role: 'user', content: 'think about it' },
    {
      id: 'm2',
      role: 'assistant',
      content: '',
      toolInvocations: [{ state: 'result', toolCallId: 'c1', toolName: 'think', args, result: { ok: true } }],
    },
    { id: 'm3', role: 'user', content: '3 words' },
  ],
});
const uiConversation = (input: unknown = { thought: 'x' }, output: unknown = { ok: true }) => ({
  id: 'chat-input',
  trigger: 'submit-message',
  messages: [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'think about it' }] },
    {
      id: 'a1',
      role: 'assistant',
      parts: [
        { type: 'step-start' },
        { type: 'tool-think', toolCallId: 'c1', state: 'output-available', input, output },
        { type: 'text', text: 'done' },
      ],
    },
    { id: 'u2', role: 'user', parts: [{ type: 'text', text: '3 words' }] },
  ],
});

type Path = Array<string | number>;
/** A copy of `body` with the value at `path` replaced. */
function setAt(body: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path.at(-1)!] = value;
  return copy;
}

/** Arrays nested `levels` deep: `[[...]]`, built as text (JSON.stringify itself would recurse). */
const nestedText = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const marker = '"__nested__"';
/** `body` as JSON text with `levels` of nesting where the value is the string "__nested__". */
const withNesting = (body: unknown, levels: number) => JSON.stringify(body).replace(marker, nestedText(levels));

describe(`nesting is bounded at ${maxJsonDepth} levels, right after JSON parsing`, () => {
  const deep = 100_000;
  const cases: Array<[string, unknown]> = [
    ['AI SDK 4 tool invocation arguments', legacyConversation('__nested__')],
    [
      'AI SDK 4 tool invocation results',
      setAt(legacyConversation(), ['messages', 1, 'toolInvocations', 0, 'result'], '__nested__'),
    ],
    ['UI tool part input', uiConversation('__nested__')],
    ['UI tool part output', uiConversation({}, '__nested__')],
    ['a UI data part', setAt(uiConversation(), ['messages', 2, 'parts', 1], { type: 'data-x', data: '__nested__' })],
    ['a field the service ignores', { ...legacyConversation(), extra: '__nested__' }],
  ];

  it.each(cases)(`refuses ${deep.toLocaleString('en')} levels in %s with 400 naming the limit`, async (_, body) => {
    const { token } = await newUser();
    for (const protocol of ['data', 'ui'] as const) {
      const refused = await expectRefused(token, withNesting(body, deep), protocol);
      expect(refused).toEqual({
        error: {
          type: 'invalid_request',
          message: `request body nests objects and arrays deeper than ${maxJsonDepth} levels`,
          maxDepth: maxJsonDepth,
        },
      });
    }
  });

  it('refuses a body that is nothing but nesting, of arrays or of objects', async () => {
    const { token } = await newUser();
    const objects = 30_000; // 5 bytes a level: within the body size limit
    for (const body of [nestedText(deep), `${'{"a":'.repeat(objects)}1${'}'.repeat(objects)}`]) {
      expect((await expectRefused(token, body)).error.message).toBe(
        `request body nests objects and arrays deeper than ${maxJsonDepth} levels`,
      );
    }
  });

  // The body, its messages array, a message, its tool invocations (or parts) and one of them
  // are 5 levels: arguments nested 59 deep make the body exactly 64 deep.
  it.each([
    ['AI SDK 4 tool arguments', legacyConversation('__nested__'), 'data'],
    ['UI tool input', uiConversation('__nested__'), 'ui'],
  ] as const)(
    'streams %s that make the body exactly as deep as the bound, and refuses one level more',
    async (_, body, protocol) => {
      const user = await newUser();
      const { read } = await streamToEnd(user, withNesting(body, maxJsonDepth - 5), protocol);
      expect(read.text).toBe('w1 w2 w3');
      expect(read.errors).toEqual([]);
      await expectRefused(user.token, withNesting(body, maxJsonDepth - 4), protocol);
    },
  );
});

describe('system messages', () => {
  const system = 'Answer in lower case, and never more than one line.';

  it('reach the model from an AI SDK 4 body (data stream), first or between turns', async () => {
    const user = await newUser();
    const plain = await streamToEnd(user, { messages: [{ role: 'user', content: '3 words' }] });
    const first = await streamToEnd(user, {
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: '3 words' },
      ],
    });
    expect(first.read.text).toBe('w1 w2 w3');
    expect(first.read.errors).toEqual([]);
    // What the model received, by its own count: the system message's tokens and 4 for the message.
    expect(first.session.tokensIn).toBe(plain.session.tokensIn + 4 + tokensIn(system));

    const between = await streamToEnd(user, {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'system', content: system },
        { role: 'user', content: '3 words' },
      ],
    });
    expect(between.read.text).toBe('w1 w2 w3');
    expect(between.read.errors).toEqual([]);
  });

  it('reach the model from a current useChat body (UI message stream)', async () => {
    const user = await newUser();
    const ask = { id: 'u1', role: 'user', parts: [{ type: 'text', text: '3 words' }] };
    const plain = await streamToEnd(user, { id: 'c', messages: [ask] });
    const withSystem = await streamToEnd(user, {
      id: 'c',
      messages: [{ id: 's1', role: 'system', parts: [{ type: 'text', text: system }] }, ask],
    });
    expect(withSystem.read.text).toBe('w1 w2 w3');
    expect(withSystem.read.errors).toEqual([]);
    expect(withSystem.session.tokensIn).toBe(plain.session.tokensIn + 4 + tokensIn(system));
  });
});

describe('conversations no model call would take are refused before admission', () => {
  const unansweredCall = {
    type: 'invalid_request',
    message:
      'tool call "c1" ("think") has no result: a tool call needs its result, or the user\'s answer, before the conversation goes on',
  };
  const nothingForTheModel = {
    type: 'invalid_request',
    message: 'the messages hold nothing for the model: send at least one user message',
  };

  it.each([
    [
      'an AI SDK 4 tool call left without its result',
      {
        messages: [
          { role: 'user', content: 'think' },
          {
            role: 'assistant',
            content: '',
            toolInvocations: [{ state: 'call', toolCallId: 'c1', toolName: 'think', args: {} }],
          },
          { role: 'user', content: '3 words' },
        ],
      },
      unansweredCall,
    ],
    [
      'a UI tool call left without its output',
      {
        messages: [
          { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'think' }] },
          {
            id: 'a1',
            role: 'assistant',
            parts: [{ type: 'tool-think', toolCallId: 'c1', state: 'input-available', input: {} }],
          },
        ],
      },
      unansweredCall,
    ],
    ['AI SDK 4 data messages only', { messages: [{ role: 'data', content: 'state' }] }, nothingForTheModel],
    [
      'UI messages with nothing a model reads',
      { messages: [{ id: 'a1', role: 'assistant', parts: [{ type: 'step-start' }] }] },
      nothingForTheModel,
    ],
  ])('%s', async (_, body, error) => {
    const { token } = await newUser();
    for (const protocol of [undefined, 'data', 'ui'] as const) {
      expect(await expectRefused(token, JSON.stringify(body), protocol)).toEqual({ error });
    }
  });
});

describe('the body class, generated', () => {
  const runs = Number(process.env.FC_RUNS ?? 150);
  const seed = Number(process.env.FC_SEED ?? 20261125);
  const legacyRoles = ['system', 'user', 'assistant', 'data'];
  const huge = 'x'.repeat(100_000);

  const notAString = fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
  );
  const notAnArray = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 5 }), fc.object());
  const notAnObject = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 5 }),
    fc.array(fc.integer()),
  );
  const notANumber = fc.oneof(fc.boolean(), fc.constant(null), fc.string({ maxLength: 5 }), fc.array(fc.integer()));
  const unknownWord = (known: string[]) =>
    fc.oneof(fc.string({ maxLength: 12 }), fc.constant(huge)).filter((s) => !known.includes(s));
  const emptyOrNotAString = fc.oneof(notAString, fc.constant(''));

  // Each field of both body shapes, with values its schema refuses.
  const legacyFields: Array<[Path, fc.Arbitrary<unknown>]> = [
    [['id'], fc.oneof(notAString, fc.constant(huge))],
    [['messages'], notAnArray],
    [['messages', 0], notAnObject],
    [['messages', 0, 'id'], notAString],
    [['messages', 0, 'role'], fc.oneof(notAString, unknownWord(legacyRoles))],
    [['messages', 2, 'content'], notAString],
    [['messages', 1, 'toolInvocations'], notAnArray],
    [['messages', 1, 'toolInvocations', 0], notAnObject],
    [
      ['messages', 1, 'toolInvocations', 0, 'state'],
      fc.oneof(notAString, unknownWord(['partial-call', 'call', 'result'])),
    ],
    [['messages', 1, 'toolInvocations', 0, 'toolCallId'], emptyOrNotAString],
    [['messages', 1, 'toolInvocations', 0, 'toolName'], emptyOrNotAString],
    [['messages', 1, 'toolInvocations', 0, 'step'], notANumber],
  ];
  const uiFields: Array<[Path, fc.Arbitrary<unknown>]> = [
    [['id'], fc.oneof(notAString, fc.constant(huge))],
    [['messages'], notAnArray],
    [['messages', 2], notAnObject],
    [['messages', 2, 'id'], notAString],
    [['messages', 2, 'role'], fc.oneof(notAString, unknownWord(['system', 'user', 'assistant']))],
    [['messages', 2, 'parts'], fc.oneof(notAnArray, fc.constant([]))],
    [['messages', 2, 'parts', 0], notAnObject],
    [['messages', 2, 'parts', 0, 'type'], fc.oneof(notAString, fc.constantFrom('', 'wizard', 'tool', 'TEXT', huge))],
    [['messages', 2, 'parts', 0, 'text'], notAString],
    [['messages', 1, 'parts', 1, 'state'], fc.oneof(notAString, fc.constantFrom('done', 'output', huge))],
    [['messages', 1, 'parts', 1, 'toolCallId'], notAString],
  ];
  const wrongField = fc.oneof(
    ...legacyFields.map(([path, values]) => values.map((v) => JSON.stringify(setAt(legacyConversation(), path, v)))),
    ...uiFields.map(([path, values]) => values.map((v) => JSON.stringify(setAt(uiConversation(), path, v)))),
  );

  // JSON that is not a chat body at all.
  const notAChatBody = fc
    .oneof(
      fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.boolean(), fc.constant(null)),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
      fc.dictionary(
        fc.string().filter((k) => k !== 'messages'),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 3 },
      ),
      fc.constant({ messages: [] }),
    )
    .map((value) => JSON.stringify(value));

  // The two shapes mixed in one conversation.
  const mixedShapes = fc
    .shuffledSubarray([...legacyConversation().messages, ...uiConversation().messages], { minLength: 2 })
    .filter((messages) => messages.some((m) => 'content' in m) && messages.some((m) => 'parts' in m))
    .map((messages) => JSON.stringify({ messages }));

  // Bytes that are not UTF-8, inside a string of an otherwise valid body. The Function URL
  // hands a text body (application/json, text/*) to the function as a decoded string, so the
  // function sees those bytes only in a body of another type (base64 in the event).
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const isUtf8 = (bytes: Uint8Array) => {
    try {
      utf8.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };
  const invalidUtf8 = fc
    .tuple(fc.constantFrom(legacyConversation(), uiConversation()), fc.uint8Array({ minLength: 1, maxLength: 6 }))
    .filter(([, bytes]) => !isUtf8(bytes))
    .map(([body, bytes]) => {
      const [before, after] = JSON.stringify(body).split('3 words') as [string, string];
      return Buffer.concat([Buffer.from(`${before}3 `), bytes, Buffer.from(` words${after}`)]);
    });

  // A key twice in one object (JSON.parse would keep the last silently).
  const objectsOf = (body: unknown): Path[] => {
    const paths: Path[] = [];
    const stack: Array<[unknown, Path]> = [[body, []]];
    while (stack.length) {
      const [value, path] = stack.pop()!;
      if (value === null || typeof value !== 'object') continue;
      if (!Array.isArray(value) && Object.keys(value).length > 0) paths.push(path);
      for (const [key, child] of Object.entries(value))
        stack.push([child, [...path, Array.isArray(value) ? Number(key) : key]]);
    }
    return paths;
  };
  const duplicateKey = fc
    .constantFrom(legacyConversation(), uiConversation())
    .chain((body) => fc.tuple(fc.constant(body), fc.constantFrom(...objectsOf(body)), fc.boolean()))
    .map(([body, path, sameValue]) => {
      const target = path.reduce<Record<string | number, unknown>>((o, k) => o[k] as never, body as never);
      const [key, value] = Object.entries(target)[0]!;
      const repeated = `{${JSON.stringify(key)}:${JSON.stringify(sameValue ? value : 'other')},`;
      const text = JSON.stringify(setAt(body, path, '__dup__'));
      return text.replace('"__dup__"', repeated + JSON.stringify(target).slice(1));
    });

  // Nesting past the bound, anywhere a value goes.
  const tooDeep = fc
    .tuple(
      fc.constantFrom(legacyConversation(), uiConversation()),
      fc.integer({ min: maxJsonDepth, max: 20_000 }),
      fc.nat(),
    )
    .map(([body, levels, pick]) => {
      const leaves = objectsOf(body);
      const path = leaves[pick % leaves.length]!;
      return withNesting(setAt(body, [...path, 'nested'], '__nested__'), levels);
    });

  const textBody = fc.oneof(wrongField, notAChatBody, mixedShapes, duplicateKey, tooDeep);
  const badRequest = fc.oneof(
    fc.record({
      body: textBody,
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', null),
    }),
    fc.record({ body: invalidUtf8, contentType: fc.constantFrom('application/octet-stream', null) }),
  );

  it('every bad body is a 4xx JSON error before any store or model request, in either protocol', async () => {
    const { token } = await newUser();
    await fc.assert(
      fc.asyncProperty(badRequest, fc.constantFrom(undefined, 'data', 'ui'), async (request, protocol) => {
        await expectRefused(token, request.body, { protocol: protocol as Protocol | undefined, ...request });
      }),
      { numRuns: runs, seed },
    );
  });

  it('refuses a body of bytes that are not UTF-8 by name', async () => {
    const { token } = await newUser();
    const body = Buffer.concat([
      Buffer.from('{"messages":[{"role":"user","content":"3 '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(' words"}]}'),
    ]);
    expect(await expectRefused(token, body, { contentType: 'application/octet-stream' })).toEqual({
      error: { type: 'invalid_json', message: 'request body is not valid UTF-8' },
    });
  });

  it('takes 500 messages and refuses 501; takes a body of MAX_BODY_BYTES and refuses one byte more', async () => {
    const user = await newUser();
    const messages = (count: number) => [
      ...Array.from({ length: count - 1 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'hi' })),
      { role: 'user', content: '3 words' },
    ];
    expect((await streamToEnd(user, { messages: messages(500) })).read.text).toBe('w1 w2 w3');
    const tooMany = await expectRefused(user.token, JSON.stringify({ messages: messages(501) }));
    expect(tooMany.error.type).toBe('invalid_request');

    const bodyOf = (bytes: number) => {
      const frame = JSON.stringify({ messages: [{ role: 'user', content: '3 words ' }] });
      const filler = 'lorem ipsum dolor '.repeat(bytes / 10).slice(0, bytes - Buffer.byteLength(frame));
      return frame.replace('3 words ', `3 words ${filler}`);
    };
    expect(Buffer.byteLength(bodyOf(maxBodyBytes))).toBe(maxBodyBytes);
    expect((await streamToEnd(user, bodyOf(maxBodyBytes))).read.text).toBe('w1 w2 w3');
    const tooLarge = await expectRefused(user.token, bodyOf(maxBodyBytes + 1));
    expect(tooLarge).toEqual({
      error: {
        type: 'payload_too_large',
        message: `request body is ${maxBodyBytes + 1} bytes; the limit is ${maxBodyBytes}`,
      },
    });
  });

  it('refuses bad query values before any store or model request', async () => {
    const { token } = await newUser();
    const body = JSON.stringify(legacyConversation());
    for (const query of [
      'provider=nope&model=local-small',
      'provider=local&model=',
      'provider=local',
      'provider=local&model=local-small&protocol=sse',
      `provider=local&model=${'m'.repeat(201)}`,
    ]) {
      const requests = stack().requests.length;
      const response = await fetch(`${stack().streamUrl}?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.type).toBe('invalid_request');
      expect(stack().requests.length).toBe(requests);
    }
  });
});

describe('store errors never reach the client', () => {
  const storeText = 'table credits partition USER#someone is corrupt (internal detail 7f3a)';
  const isAccountWrite = (userId: string) => (r: DynamoRequest) =>
    r.command === 'UpdateItemCommand' && (r.input.Key as { pk?: string } | undefined)?.pk === `USER#${userId}`;

  it('a store failure at admission is a 503 with a generic text, in both protocols; the text is only logged', async () => {
    const { token } = await newUser();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    stack().failRequests(() => true, storeText);
    try {
      for (const [body, protocol] of [
        [legacyConversation(), 'data'],
        [uiConversation(), 'ui'],
      ] as const) {
        const response = await send(token, JSON.stringify(body), { protocol });
        const text = await response.text();
        expect(response.status).toBe(503);
        expect(JSON.parse(text)).toEqual({
          error: { type: 'store_unavailable', message: 'usage metering is unavailable; no stream was started' },
        });
        expect(text).not.toContain('corrupt');
      }
      expect(logged.mock.calls.flat().map(String).join(' ')).toContain(storeText);
    } finally {
      stack().failRequests(undefined);
      logged.mockRestore();
    }
  });

  it('a store failure while streaming ends the stream with a generic error part, in both protocols', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warned = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const [ask, protocol] of [
        [{ messages: [{ role: 'user', content: '40 words at 40 tokens per second' }] }, 'data'],
        [
          {
            messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: '40 words at 40 tokens per second' }] }],
          },
          'ui',
        ],
      ] as const) {
        const { userId, token } = await newUser({ reportEveryTokens: 5 });
        // Admission (the first write on the account) goes through; every later write fails.
        let writes = 0;
        stack().failRequests((r) => isAccountWrite(userId)(r) && ++writes > 1, storeText);
        const response = await send(token, JSON.stringify(ask), { protocol });
        expect(response.status).toBe(200);
        const text = await response.text();
        const read =
          protocol === 'data'
            ? await readDataStream(new Response(text).body!)
            : await readUiStream(new Response(text).body!);
        expect(read.errors.map((e) => JSON.parse(e).type)).toEqual(['metering_unavailable']);
        expect(read.text.split(' ').length).toBeLessThan(40);
        expect(text).not.toContain('corrupt');
        expect(writes).toBeGreaterThan(1);
      }
    } finally {
      stack().failRequests(undefined);
      logged.mockRestore();
      warned.mockRestore();
    }
  });
});
