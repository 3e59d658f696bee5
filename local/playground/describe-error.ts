// Turns the service's errors (a JSON body before streaming, a JSON text in an error part
// after) into sentences a person understands.
export interface ServiceError {
  type: string;
  message: string;
}

export function parseServiceError(text: string): ServiceError {
  try {
    const value = JSON.parse(text) as { error?: ServiceError; type?: string; message?: string };
    if (value.error?.type) return value.error;
    if (typeof value.type === 'string') return { type: value.type, message: value.message ?? '' };
  } catch {
    // not JSON: a network or client error
  }
  return { type: 'unknown', message: text };
}

const seconds = (value: number | undefined) =>
  value === undefined ? 'a little while' : value < 90 ? `${value} seconds` : `${Math.ceil(value / 60)} minutes`;

/** `retryAfter`: seconds from the Retry-After header of the refused request, if any. */
export function describeError(error: ServiceError, retryAfter?: number): string {
  switch (error.type) {
    case 'rate_limit_exceeded':
      return `You have used all the requests your plan allows for now. Try again in ${seconds(retryAfter)}.`;
    case 'concurrency_limit_exceeded':
      return 'You already have as many answers streaming as your plan allows. Wait for one to finish.';
    case 'tokens_per_minute_exceeded':
      return retryAfter === undefined
        ? "This answer reached your plan's tokens-per-minute limit and was cut short."
        : `Your plan's tokens-per-minute limit is used up. Try again in ${seconds(retryAfter)}.`;
    case 'credits_exhausted':
      return retryAfter === undefined && /during/.test(error.message)
        ? 'Your credits ran out during this answer, so it was cut short.'
        : 'Your credits have run out. Ask an administrator for more.';
    case 'model_not_allowed':
      return "Your plan doesn't include this model. Pick another one.";
    case 'feature_not_allowed':
      return "Your plan doesn't include tools.";
    case 'max_tokens_exceeded':
      return 'This answer reached the longest answer your plan allows, so it stops here.';
    case 'max_duration_exceeded':
      return 'This answer took longer than your plan allows, so it stops here.';
    case 'session_terminated':
      return 'An administrator stopped this answer.';
    case 'provider_error':
      return 'The model failed while answering; the answer is incomplete. Try again.';
    case 'unauthorized':
      return 'Your sign-in is not valid (or expired). Reload the page.';
    case 'store_unavailable':
    case 'store_contention':
      return 'Usage metering is unavailable right now, so nothing was started. Try again shortly.';
    case 'metering_unavailable':
      return 'Usage metering stopped working during this answer, so it was cut short.';
    case 'lease_lost':
      return 'This answer was stopped because the service lost track of it. Try again.';
    default:
      return error.message || 'Something went wrong.';
  }
}
