// The DynamoDB document client the stores share. Connections are kept alive in a bounded
// pool, so a burst queues for a socket instead of opening hundreds. Timeouts measure the
// store, never the queue: a connection that cannot be made within a second fails (an
// outage is detected fast), and a request whose connection goes quiet for 10 s fails,
// but a request waiting for a free socket of a busy pool waits (the SDK's own connection
// and request timeouts start when the request is created, so under local load they
// turned queueing into "store unavailable"). Retries are the SDK's standard strategy
// (exponential backoff with full jitter, throttling-aware, bounded by its retry quota).
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoSettings {
  region: string;
  endpoint?: string;
  /** Explicit credentials (local servers); otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const maxSockets = 64;
const connectTimeoutMs = 1_000;
const quietSocketTimeoutMs = 10_000;

/** Fails a new connection that is not established within `connectTimeoutMs` of its attempt. */
function boundConnect(socket: Duplex | null | undefined): Duplex | null | undefined {
  if (!socket || !('connecting' in socket) || !socket.connecting) return socket;
  const timer = setTimeout(() => {
    socket.destroy(
      Object.assign(new Error(`no connection to the store within ${connectTimeoutMs} ms`), { code: 'ETIMEDOUT' }),
    );
  }, connectTimeoutMs);
  socket.once('connect', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  return socket;
}

class StoreHttpAgent extends http.Agent {
  override createConnection(...args: Parameters<http.Agent['createConnection']>) {
    return boundConnect(super.createConnection(...args));
  }
}

class StoreHttpsAgent extends https.Agent {
  override createConnection(...args: Parameters<http.Agent['createConnection']>) {
    return boundConnect(super.createConnection(...args));
  }
}

export function createDocumentClient(settings: DynamoSettings): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: settings.region,
    endpoint: settings.endpoint,
    credentials: settings.credentials,
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: {
      httpAgent: new StoreHttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new StoreHttpsAgent({ keepAlive: true, maxSockets }),
      // Inactivity of the request's own socket, from when it has one: a queued request is not timed out.
      socketTimeout: quietSocketTimeoutMs,
    },
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
