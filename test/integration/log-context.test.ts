// Issue 12: the chat stream's logs carry the Lambda request id (Powertools' context
// injection), so a log line can be found from the request that caused it. Through the
// Function URL emulator, which passes a Lambda context and answers with the request id in
// `x-amzn-requestid`, as a Function URL does.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useLocalStack } from '../helpers/local-stack.js';
import { legacyBody, postChat } from '../helpers/chat-client.js';

const stack = useLocalStack({ sweepIntervalMs: 0, environment: { LOG_LEVEL: 'INFO', SIGNUP_CREDITS: '1000000' } });

/** Every JSON log line written while `work` ran (Powertools writes to stdout, or the console in dev mode). */
async function logLinesDuring(
  work: (linesSoFar: () => Array<Record<string, unknown>>) => Promise<void>,
): Promise<Array<Record<string, unknown>>> {
  const written: string[] = [];
  const parsed = () =>
    written.flatMap((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  const capture = (chunk: unknown) => {
    written.push(...String(chunk).split('\n'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void capture(args.join(' '))),
    ),
  ];
  try {
    await work(parsed);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return parsed();
}

afterEach(() => vi.restoreAllMocks());

describe('log context', () => {
  it("tags a stream's log lines with the Lambda request id of its invocation", async () => {
    const ids: string[] = [];
    const settledLines = (lines: Array<Record<string, unknown>>) =>
      lines.filter((line) => line.message === 'session settled');
    const lines = await logLinesDuring(async (linesSoFar) => {
      for (let i = 0; i < 2; i++) {
        const token = await stack().token(`logs-${randomUUID().slice(0, 8)}`);
        const response = await postChat(stack(), { token, body: legacyBody('5 words') });
        expect(response.status).toBe(200);
        await response.text();
        ids.push(response.headers.get('x-amzn-requestid') ?? '');
      }
      // The settlement's log line follows the body's end.
      await vi.waitFor(() => expect(settledLines(linesSoFar())).toHaveLength(2), { timeout: 10_000 });
    });
    expect(ids.every((id) => id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(2);
    const settled = settledLines(lines);
    expect(settled.map((line) => line.function_request_id)).toEqual(ids);
    expect(settled[0]).toMatchObject({ service: 'chat-stream', function_name: 'chat-stream' });
  });
});
