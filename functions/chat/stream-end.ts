// Wraps a response body so one callback runs when it ends, however it ends: completed,
// failed, or cancelled by a client that went away. The callback finishes before the
// body closes, so a client that has seen the end knows its stream was settled.
export type BodyEnd = 'completed' | 'errored' | 'cancelled';

export interface EndAwareBody {
  body: ReadableStream<Uint8Array>;
  /** Resolves once the end callback has run (never rejects). */
  done: Promise<void>;
}

export function onBodyEnd(source: ReadableStream<Uint8Array>, onEnd: (how: BodyEnd) => Promise<void>): EndAwareBody {
  const reader = source.getReader();
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let ending: Promise<void> | undefined;
  const end = (how: BodyEnd) => (ending ??= onEnd(how).finally(resolveDone));

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        await end('errored');
        controller.error(err);
        return;
      }
      if (chunk.done) {
        await end('completed');
        controller.close();
      } else {
        controller.enqueue(chunk.value);
      }
    },
    async cancel(reason) {
      const ended = end('cancelled');
      await reader.cancel(reason).catch(() => undefined); // the source may already be closed
      await ended;
    },
  });
  return { body, done };
}
