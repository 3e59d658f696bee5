// An HTTP proxy in front of the store that records every request the service sends, at
// the HTTP level: SDK retries are requests of their own here, whatever the SDK's
// middleware sees. It keeps each request's operation, body and answer status, so the
// benchmark can tell admission from report from settlement. On demand it answers some
// requests itself with a 500 (as DynamoDB does on a transient fault), to show that the
// retries they cause are counted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  /** performance.now() when the request arrived. */
  at: number;
  /** The DynamoDB operation, e.g. `UpdateItem`. */
  operation: string;
  body: Record<string, unknown>;
  status: number;
  /** Answered by the proxy itself (an injected fault), never reached the store. */
  injected: boolean;
}

export interface CountingProxy {
  endpoint: string;
  seen: SeenRequest[];
  /** Resolves once no request is waiting for its answer. */
  drained(): Promise<void>;
  /** Answers every `n`th request with a 500 InternalServerError (0: none). */
  failEvery(n: number): void;
  close(): Promise<void>;
}

const injectedFault = JSON.stringify({
  __type: 'com.amazon.coral.service#InternalServerError',
  message: 'injected by the benchmark',
});

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const seen: SeenRequest[] = [];
  let every = 0;
  let count = 0;
  let open = 0;
  const waiters: Array<() => void> = [];
  const answered = () => {
    open -= 1;
    if (open === 0) for (const wake of waiters.splice(0)) wake();
  };
  const server = http.createServer(async (incoming, outgoing) => {
    const at = performance.now();
    open += 1;
    outgoing.once('close', answered);
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? incoming.method ?? '?';
    const record: SeenRequest = {
      at,
      operation,
      body: raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {},
      status: 0,
      injected: false,
    };
    seen.push(record);
    if (every > 0 && ++count % every === 0) {
      record.status = 500;
      record.injected = true;
      outgoing.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' }).end(injectedFault);
      return;
    }
    const request = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent,
      },
      (answer) => {
        record.status = answer.statusCode ?? 0;
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    request.on('error', () => outgoing.destroy());
    request.end(raw);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    drained: () => (open === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    failEvery: (n) => {
      every = n;
      count = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
