// With the store unreachable (a real closed port, not a mock), admission fails closed by
// default and, only when configured, admits an unmetered stream capped by the default tier.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import Boom from '@hapi/boom';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import { StreamingThrottler } from '../../functions/throttle/streaming-throttler.js';
import { localAwsCredentials } from '../../local/embedded-dynamodb.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { fixedCatalog } from '../../functions/catalog/catalog-source.js';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const counted = () => {
  const events: string[] = [];
  return {
    events,
    metrics: {
      admitted: (t: string) => void events.push(`admitted:${t}`),
      rejected: (r: string) => void events.push(`rejected:${r}`),
      terminated: () => undefined,
      abuseDetected: () => undefined,
      settled: () => undefined,
    },
  };
};

async function throttlerWithUnreachableStore(failOpen: boolean) {
  const db = createDocumentClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${await closedPort()}`,
    credentials: localAwsCredentials,
  });
  const { events, metrics } = counted();
  const throttler = new StreamingThrottler({
    store: new DynamoThrottleStore(db, { tiers: 't', credits: 'c', sessions: 's' }),
    catalog: fixedCatalog(testCatalog),
    defaultTier: 'free',
    signupCredits: 0,
    tierCacheMs: 0,
    failOpen,
    logger: quiet,
    metrics,
  });
  return { throttler, events };
}

const request = {
  requestId: 'r',
  userId: 'u',
  model: { provider: 'local' as const, modelId: 'local-small' },
  inputTokens: 10,
  features: [],
  toolsRequested: true,
};

describe('failure policy when the store is unreachable', () => {
  it('fails closed by default: 503 store_unavailable, counted as a refusal', async () => {
    const { throttler, events } = await throttlerWithUnreachableStore(false);
    const error = await throttler.admit(request).catch((e: unknown) => e);
    expect(Boom.isBoom(error)).toBe(true);
    expect((error as Boom.Boom).output.statusCode).toBe(503);
    expect((error as Boom.Boom<{ type: string }>).data?.type).toBe('store_unavailable');
    expect(events).toEqual(['rejected:store_unavailable']);
  });

  it('admits an unmetered, capped stream without tools only when configured to fail open', async () => {
    const { throttler, events } = await throttlerWithUnreachableStore(true);
    const stream = await throttler.admit(request);
    expect(stream).toMatchObject({ toolsAllowed: false, maxSteps: 1, maxOutputTokens: 1_000 });
    expect(events).toEqual(['admitted:unmetered']);
  });
});
