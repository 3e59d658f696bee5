// How DynamoDB answers become the store's outcomes: a failed condition is a rule result,
// throttling past the SDK's retries is saturation, anything else means unavailable.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { StoreBusyError, StoreUnavailableError } from '../throttle-store.js';

const throttlingErrors = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

const isConditionFailure = (err: unknown): boolean => err instanceof ConditionalCheckFailedException;

/** Runs a store call; a rule refusal passes through, anything else becomes a typed store error. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isConditionFailure(err) || err instanceof StoreUnavailableError) throw err;
    if (err instanceof Error && throttlingErrors.has(err.name)) throw new StoreBusyError(err);
    throw new StoreUnavailableError(err);
  }
}

/** Like `guarded`, but a failed condition answers undefined. */
export async function conditional<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await guarded(call);
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}
