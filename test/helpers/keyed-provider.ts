// An OpenAI-compatible provider that wants an API key, as a hosted one does: the local
// model server behind a proxy that answers 401 without `Authorization: Bearer <key>` and
// records the models it was asked for.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalModelServer, type LocalModelServer } from '../../local/model/local-model-server.js';

export interface KeyedProvider {
  /** The OpenAI-compatible base URL (`.../v1`). */
  url: string;
  /** Requests that carried the key, and those that did not. */
  seen: { withKey: number; withoutKey: number };
  close(): Promise<void>;
}

export async function startKeyedProvider(key: string): Promise<KeyedProvider> {
  const model: LocalModelServer = await startLocalModelServer(0, { tokensPerSecond: 0 });
  const upstream = new URL(model.url);
  const seen = { withKey: 0, withoutKey: 0 };
  const server = http.createServer((incoming, outgoing) => {
    if (incoming.headers.authorization !== `Bearer ${key}`) {
      seen.withoutKey += 1;
      outgoing.writeHead(401, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ error: { message: 'invalid api key', type: 'invalid_request_error' } }));
      return;
    }
    seen.withKey += 1;
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await model.close();
    },
  };
}
