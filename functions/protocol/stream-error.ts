// Errors that end a stream after it began. Both wire protocols carry them as one string:
// a JSON text naming the reason, because AI SDK 4 clients reject a non-string `3:` part.
// Which reasons exist is decided elsewhere (functions/throttle/end-reason.ts); this only serializes.
export class StreamError extends Error {
  override name = 'StreamError';
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The string an error part carries: `{"type":...,"message":...}`. Provider internals never leak. */
export function streamErrorText(error: unknown): string {
  if (error instanceof StreamError) return JSON.stringify({ type: error.type, message: error.message });
  return JSON.stringify({
    type: 'provider_error',
    message: 'The model provider failed while streaming; the answer is incomplete.',
  });
}
