// A `streamText` transform for the tool parts of one request: it streams the outcomes of
// the confirmations the request answered (first, after `start`), and with the data stream
// protocol it signs the ids of calls the client must confirm (see signed-call-id.ts).
// Those calls stream whole: their id is only known once their arguments are.
import type { StreamTextTransform, ToolSet } from 'ai';
import type { StreamPart } from '../chat/stream-gate.js';
import { signCallId } from './signed-call-id.js';

export interface ToolStreamOptions {
  outcomes: StreamPart[];
  signCalls?: { key: Buffer; toolNames: ReadonlySet<string> };
}

export function toolStreamTransform(options: ToolStreamOptions): StreamTextTransform<ToolSet> {
  // Shared by every segment the AI SDK pipes through the transform.
  let outcomesSent = options.outcomes.length === 0;
  const heldBack = new Set<string>();
  const signedIds = new Map<string, string>();

  const sign = (part: StreamPart): StreamPart | undefined => {
    const signing = options.signCalls;
    if (!signing) return part;
    switch (part.type) {
      case 'tool-input-start':
        if (!signing.toolNames.has(part.toolName)) return part;
        heldBack.add(part.id);
        return undefined;
      case 'tool-input-delta':
      case 'tool-input-end':
        return heldBack.has(part.id) ? undefined : part;
      case 'tool-call': {
        if (!signing.toolNames.has(part.toolName)) return part;
        const signed = signCallId(signing.key, part);
        signedIds.set(part.toolCallId, signed);
        return { ...part, toolCallId: signed };
      }
      default: {
        const id = 'toolCallId' in part ? signedIds.get(part.toolCallId) : undefined;
        return id ? ({ ...part, toolCallId: id } as StreamPart) : part;
      }
    }
  };

  const sendOutcomes = (controller: TransformStreamDefaultController<StreamPart>) => {
    if (outcomesSent) return;
    outcomesSent = true;
    for (const outcome of options.outcomes) controller.enqueue(outcome);
  };

  return () =>
    new TransformStream<StreamPart, StreamPart>({
      transform(part, controller) {
        if (part.type !== 'start') sendOutcomes(controller);
        const out = sign(part);
        if (out) controller.enqueue(out);
        if (part.type === 'start') sendOutcomes(controller);
      },
    });
}
