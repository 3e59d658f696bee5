// Mid-stream notices in both wire protocols, read back with each client's own parser: a
// budget warning is a data part / data chunk, pacing is an annotation / message metadata,
// each where it was raised among the parts.
import { describe, expect, it } from 'vitest';
import type { MonitoredPart } from '../../functions/chat/stream-gate.js';
import { encodeDataStream } from '../../functions/protocol/data-stream-encoder.js';
import { encodeUiMessageStream } from '../../functions/protocol/ui-message-stream-encoder.js';
import type { BudgetWarningNotice, PacingNotice } from '../../functions/protocol/stream-notice.js';
import { readDataStream, readUiStream } from '../helpers/protocol-readers.js';

const warning: BudgetWarningNotice = {
  type: 'budget_warning',
  limit: 'max_tokens_exceeded',
  used: 0.8,
  remaining: { outputTokens: 5, credits: 10, seconds: 30 },
  message: 'This answer has used 80% of its max tokens per request.',
};
const pacing: PacingNotice = { type: 'pacing', tokensPerMinute: 60, message: 'This answer is slowed.' };

const parts = (): ReadableStream<MonitoredPart> => {
  const list: MonitoredPart[] = [
    { type: 'start' },
    { type: 'start-step', request: {}, warnings: [] },
    { type: 'text-start', id: 't' },
    { type: 'text-delta', id: 't', text: 'one ' },
    { type: 'notice', notice: pacing },
    { type: 'text-delta', id: 't', text: 'two ' },
    { type: 'notice', notice: warning },
    { type: 'text-delta', id: 't', text: 'three' },
    { type: 'text-end', id: 't' },
  ] as MonitoredPart[];
  return new ReadableStream({
    start(controller) {
      for (const part of list) controller.enqueue(part);
      controller.close();
    },
  });
};
const bytes = (text: ReadableStream<string>) => text.pipeThrough(new TextEncoderStream());

describe('notices in the wire protocols', () => {
  it('data stream: the warning is a data part and pacing an annotation, in place (AI SDK 4 parser)', async () => {
    const read = await readDataStream(bytes(encodeDataStream(parts(), { generateMessageId: () => 'm' })));
    expect(read.data).toEqual([warning]);
    expect(read.annotations).toEqual([pacing]);
    expect(read.order).toEqual(['text', 'annotations', 'text', 'data', 'text']);
  });

  it('UI message stream: the warning is a data chunk and pacing message metadata, in place (current parser)', async () => {
    const read = await readUiStream(bytes(encodeUiMessageStream(parts(), { generateMessageId: () => 'm' })));
    const kinds = read.chunks
      .map((c) => c.type)
      .filter((t) => t !== 'start' && t !== 'start-step' && t !== 'text-start');
    expect(kinds).toEqual([
      'text-delta',
      'message-metadata',
      'text-delta',
      'data-budget-warning',
      'text-delta',
      'text-end',
    ]);
    expect(read.message?.metadata).toMatchObject({ pacing });
    expect(read.message?.parts).toContainEqual(expect.objectContaining({ type: 'data-budget-warning', data: warning }));
    expect(read.text).toBe('one two three');
  });
});
