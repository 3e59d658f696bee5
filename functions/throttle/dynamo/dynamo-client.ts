// The DynamoDB document client the stores share. Connections are kept alive in a bounded
// pool, so a burst queues for a socket instead of opening hundreds; a connection that
// cannot be made fails fast (an outage is detected in about a second), while a request
// to a busy store may take seconds before it counts as failed. Retries are the SDK's
// standard strategy (exponential backoff with jitter, throttling-aware).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoSettings {
  region: string;
  endpoint?: string;
  /** Explicit credentials (local servers); otherwise the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const pool = { keepAlive: true, maxSockets: 64 };

export function createDocumentClient(settings: DynamoSettings): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: settings.region,
    endpoint: settings.endpoint,
    credentials: settings.credentials,
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: 1_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
      httpAgent: pool,
      httpsAgent: pool,
    },
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
