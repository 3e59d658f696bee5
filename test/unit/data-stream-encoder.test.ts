import { describe, expect, it } from 'vitest';
import { encodePart } from '../../functions/protocol/data-stream-encoder.js';
import { StreamError, streamErrorText } from '../../functions/protocol/stream-error.js';
import type { StreamPart } from '../../functions/chat/stream-gate.js';

const id = () => 'msg-1';
const usage = { inputTokens: 7, outputTokens: 3, totalTokens: 10 } as never;

describe('data stream protocol encoder', () => {
  it.each<[string, StreamPart, string | undefined]>([
    ['text', { type: 'text-delta', id: '0', text: 'hi "there"' }, '0:"hi \\"there\\""\n'],
    ['empty text is skipped', { type: 'text-delta', id: '0', text: '' }, undefined],
    ['reasoning', { type: 'reasoning-delta', id: '0', text: 'hmm' }, 'g:"hmm"\n'],
    ['start step', { type: 'start-step', request: {}, warnings: [] }, 'f:{"messageId":"msg-1"}\n'],
    [
      'tool input start',
      { type: 'tool-input-start', id: 'c1', toolName: 'think' },
      'b:{"toolCallId":"c1","toolName":"think"}\n',
    ],
    [
      'tool input delta',
      { type: 'tool-input-delta', id: 'c1', delta: '{"a"' },
      'c:{"toolCallId":"c1","argsTextDelta":"{\\"a\\""}\n',
    ],
    [
      'tool call',
      { type: 'tool-call', toolCallId: 'c1', toolName: 'think', input: { a: 1 } } as StreamPart,
      '9:{"toolCallId":"c1","toolName":"think","args":{"a":1}}\n',
    ],
    [
      'tool result',
      { type: 'tool-result', toolCallId: 'c1', toolName: 'think', input: {}, output: { ok: true } } as StreamPart,
      'a:{"toolCallId":"c1","result":{"ok":true}}\n',
    ],
    [
      'finish step',
      {
        type: 'finish-step',
        finishReason: 'stop',
        usage,
        response: {},
        performance: {},
        rawFinishReason: 'stop',
        providerMetadata: undefined,
      } as never,
      'e:{"finishReason":"stop","usage":{"promptTokens":7,"completionTokens":3},"isContinued":false}\n',
    ],
    [
      'finish',
      { type: 'finish', finishReason: 'length', rawFinishReason: undefined, totalUsage: usage },
      'd:{"finishReason":"length","usage":{"promptTokens":7,"completionTokens":3}}\n',
    ],
    ['parts without a v1 code are skipped', { type: 'text-start', id: '0' }, undefined],
  ])('%s', (_name, part, expected) => {
    expect(encodePart(part, id)).toBe(expected);
  });

  it('writes errors as a 3: part whose value is a JSON text string', () => {
    const encoded = encodePart({ type: 'error', error: new StreamError('credits_exhausted', 'No credits left.') }, id)!;
    expect(encoded.startsWith('3:"')).toBe(true);
    const value = JSON.parse(encoded.slice(2)) as unknown;
    expect(typeof value).toBe('string');
    expect(JSON.parse(value as string)).toEqual({ type: 'credits_exhausted', message: 'No credits left.' });
  });

  it('never leaks provider error details into the error text', () => {
    const text = streamErrorText(new Error('401 Incorrect API key sk-live-123'));
    expect(text).not.toContain('sk-live');
    expect(JSON.parse(text)).toMatchObject({ type: 'provider_error' });
  });
});
