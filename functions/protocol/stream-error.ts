// Errors that end a stream after it began. Both wire protocols carry them as one string:
// a JSON text naming the reason, because AI SDK 4 clients reject a non-string `3:` part.
export const streamErrorTypes = [
  'max_tokens_exceeded',
  'rate_limit_exceeded',
  'credits_exhausted',
  'max_duration_exceeded',
  'session_terminated',
  'provider_error',
  'internal_error',
] as const;
export type StreamErrorType = (typeof streamErrorTypes)[number];

export class StreamError extends Error {
  override name = 'StreamError';
  constructor(
    readonly type: StreamErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** The string an error part carries: `{"type":...,"message":...}`. Provider internals never leak. */
export function streamErrorText(error: unknown): string {
  const known =
    error instanceof StreamError
      ? error
      : new StreamError('provider_error', 'The model provider failed while streaming; the answer is incomplete.');
  return JSON.stringify({ type: known.type, message: known.message });
}
