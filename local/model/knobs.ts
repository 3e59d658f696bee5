// What the local model does is decided by knobs in the last user message, so tests and
// newcomers get exact, repeatable streams:
//   "N words"               -> streams w1 w2 ... wN
//   "echo: text"            -> streams the text back, word by word
//   "fail after N words"    -> N words, then the connection breaks
//   "stall after N words"   -> N words, then nothing more, the connection open (a hung model)
//   "call tool NAME {json}" -> a tool call (add "K times" to call it K times in a loop);
//                              only tools the request offers, unless "force call tool ..."
//   "... at R tokens per second" -> this answer streams at R tokens/s
//   "... in chunks of K"    -> K words per streamed chunk (large chunks, as busy servers send)
//   "... ignoring max tokens" -> streams the whole answer whatever max_tokens says (some servers do)
// A request never makes the server build a whole answer in memory: tokens are made as
// they are sent, at most `maxWords` of them, and knobs asking for more are a 400.
export type Script =
  | { kind: 'words'; count: number }
  | { kind: 'echo'; text: string }
  | { kind: 'fail'; afterWords: number }
  | { kind: 'stall'; afterWords: number }
  | { kind: 'tool'; toolName: string; args: string; times: number; force: boolean }
  | { kind: 'greeting' };

const greeting =
  'Hello from the local model. Ask for "20 words", "echo: some text", "fail after 3 words" or "call tool NAME {json}".';

/** A per-request streaming speed, overriding the server's. */
export function speedFor(lastUserText: string): number | undefined {
  const speed = /at (\d+) tokens? per second/i.exec(lastUserText);
  return speed ? Number(speed[1]) : undefined;
}

/** Whether this answer disregards the request's max_tokens, as some OpenAI-compatible servers do. */
export const ignoresMaxTokens = (lastUserText: string): boolean => /ignoring max tokens/i.test(lastUserText);

/** Words per streamed chunk, when the message asks for large chunks. */
export function chunkSizeFor(lastUserText: string): number | undefined {
  const chunks = /in chunks of (\d+)/i.exec(lastUserText);
  return chunks ? Math.max(1, Number(chunks[1])) : undefined;
}

export function scriptFor(lastUserText: string): Script {
  const text = lastUserText.trim();
  const tool = /(force )?call tool ([A-Za-z0-9_-]+)\s*(\{.*\})?(?:\s+(\d+) times)?(?:\s|$)/s.exec(text);
  if (tool) {
    return {
      kind: 'tool',
      toolName: tool[2]!,
      args: tool[3] ?? '{}',
      times: tool[4] ? Number(tool[4]) : 1,
      force: Boolean(tool[1]),
    };
  }
  const echo = /^echo:\s?(.*)$/s.exec(text);
  if (echo) return { kind: 'echo', text: echo[1]! };
  const fail = /fail after (\d+) words?/i.exec(text);
  if (fail) return { kind: 'fail', afterWords: Number(fail[1]) };
  const stall = /stall after (\d+) words?/i.exec(text);
  if (stall) return { kind: 'stall', afterWords: Number(stall[1]) };
  const words = /(\d+) words?/i.exec(text);
  if (words) return { kind: 'words', count: Number(words[1]) };
  return { kind: 'greeting' };
}

export interface KnobLimits {
  /** Most words one answer may ask for ("N words", "fail after N words"). */
  maxWords: number;
  /** Most tool calls one answer may ask for ("K times"). */
  maxToolCalls: number;
}

/** Generous for any test or demo, small enough that no request can exhaust the dev process. */
export const defaultKnobLimits: KnobLimits = { maxWords: 100_000, maxToolCalls: 100 };

/** Why a script asks for more than the server will do, or undefined when it is fine. */
export function knobProblem(script: Script, limits: KnobLimits): string | undefined {
  const words =
    script.kind === 'words' ? script.count : script.kind === 'fail' || script.kind === 'stall' ? script.afterWords : 0;
  if (words > limits.maxWords) return `asks for ${words} words; the local model writes at most ${limits.maxWords}`;
  if (script.kind === 'tool' && script.times > limits.maxToolCalls) {
    return `asks for ${script.times} tool calls; the local model makes at most ${limits.maxToolCalls}`;
  }
  return undefined;
}

/** The text pieces a script streams, one token each, made as they are read: never the whole answer at once. */
export function tokensOf(script: Exclude<Script, { kind: 'tool' }>): Iterable<string> {
  switch (script.kind) {
    case 'words':
      return numberedWords(script.count);
    case 'fail':
    case 'stall':
      return numberedWords(script.afterWords);
    case 'echo':
      return splitKeepingSpaces(script.text);
    case 'greeting':
      return splitKeepingSpaces(greeting);
  }
}

function* numberedWords(count: number): Generator<string> {
  for (let i = 1; i <= count; i++) yield i === 1 ? 'w1' : ` w${i}`;
}

export function* splitKeepingSpaces(text: string): Generator<string> {
  for (const match of text.matchAll(/\s*\S+|\s+$/g)) yield match[0];
}
