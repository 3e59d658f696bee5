// The store client under local load: a burst larger than its socket pool queues for a
// socket instead of failing, because its timeouts measure the store (connecting, a quiet
// connection), not the wait for a free socket. A store that cannot be reached still fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import { localAwsCredentials } from '../../local/embedded-dynamodb.js';

/** A store that answers every request, each after `delayMs`: busy, not down. */
async function startSlowStore(delayMs: number) {
  let received = 0;
  const server = http.createServer((request, response) => {
    received += 1;
    request.resume();
    request.on('end', () => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end('{}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('store client', () => {
  let store: Awaited<ReturnType<typeof startSlowStore>>;
  beforeAll(async () => {
    store = await startSlowStore(1_200);
  });
  afterAll(() => store.close());

  it('queues a burst larger than its socket pool behind a busy store, with no timeout and no retry', async () => {
    const db = createDocumentClient({
      region: 'us-east-1',
      endpoint: store.endpoint,
      credentials: localAwsCredentials,
    });
    try {
      const burst = 150; // more than twice the pool: the last wait two answers for a socket
      const results = await Promise.allSettled(
        Array.from({ length: burst }, (_, i) => db.send(new GetCommand({ TableName: 't', Key: { pk: String(i) } }))),
      );
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(store.received()).toBe(burst);
    } finally {
      db.destroy();
    }
  }, 20_000);

  it('still fails when the store cannot be reached', async () => {
    const closed = await startSlowStore(0);
    await closed.close();
    const db = createDocumentClient({
      region: 'us-east-1',
      endpoint: closed.endpoint,
      credentials: localAwsCredentials,
    });
    try {
      await expect(db.send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }))).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      db.destroy();
    }
  });
});
