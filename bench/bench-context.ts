// What every benchmark section shares: the store, the model server and the stream client
// (each in a process of its own), a JWT secret for tokens, and how many times each figure
// is measured.
import { randomBytes } from 'node:crypto';
import { signDevToken } from '../local/dev-token.js';
import type { BenchStore } from './bench-store.js';
import type { StreamClient } from './client-process.js';
import { serveChatStream, type ServedHandler } from './served-handler.js';

export interface BenchContext {
  store: BenchStore;
  modelUrl: string;
  /** Streams from a process of its own, as a client does. */
  client: StreamClient;
  jwtSecret: string;
  /** Repetitions of every ratio (min / median / max over them). */
  repetitions: number;
  token(userId: string): Promise<string>;
  /** A chat-stream container, throttled or not, whose store client talks to `dynamoEndpoint` (default: the store). */
  handler(throttled: boolean, dynamoEndpoint?: string): Promise<ServedHandler>;
}

export function benchContext(
  store: BenchStore,
  modelUrl: string,
  client: StreamClient,
  repetitions: number,
): BenchContext {
  const jwtSecret = randomBytes(32).toString('base64url');
  return {
    store,
    modelUrl,
    client,
    jwtSecret,
    repetitions,
    token: (userId) => signDevToken(jwtSecret, userId),
    handler: (throttled, dynamoEndpoint = store.endpoint) =>
      serveChatStream({ jwtSecret, modelUrl, dynamoEndpoint, tables: store.tables, throttled }),
  };
}
