// An HTTP proxy in front of the local DynamoDB server that records every request passing
// through (by its X-Amz-Target operation), so a test can say "the service made no store
// request" about the service's own client without reaching into it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  endpoint: string;
  port: number;
  /** Operations seen, in order, e.g. `DynamoDB_20120810.UpdateItem`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  const requests: string[] = [];
  const server = http.createServer((incoming, outgoing) => {
    requests.push(String(incoming.headers['x-amz-target'] ?? `${incoming.method} ${incoming.url}`));
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
