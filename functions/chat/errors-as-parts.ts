// streamText's part stream throws on errors that stop it (a broken connection, say).
// Downstream, every failure must be an error part followed by a clean end, so this
// turns a thrown error into one.
import type { StreamPart } from './stream-gate.js';

export function errorsAsParts(source: ReadableStream<StreamPart>): ReadableStream<StreamPart> {
  const reader = source.getReader();
  return new ReadableStream<StreamPart>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.enqueue({ type: 'error', error });
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
