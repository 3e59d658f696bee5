// The benchmarks' client of the chat stream in a process of its own, as a real client is
// elsewhere: in the handler's process, reading a response competes with the handler's
// work after the first byte (the rest of a short answer, its settlement), which then shows
// up as time to first byte. The child serves `POST /streams` ({ url, tokens, prompt }):
// it runs one stream per token at once and answers with each outcome and the wall time.
// This module is also the child's entry point.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { runsAsChild, serveAsChild, spawnChildServer } from '../local/child-server.js';
import { streamOnce, type StreamOutcome } from './stream-client.js';

interface StreamsRequest {
  url: string;
  tokens: string[];
  prompt: string;
}

interface StreamsAnswer {
  outcomes: StreamOutcome[];
  /** Wall time from the first request to the end of the last stream, in seconds. */
  seconds: number;
}

export interface StreamClient {
  /** Streams once per token, all at once, from the client process. */
  streams(url: string, tokens: string[], prompt: string): Promise<StreamsAnswer>;
  close(): Promise<void>;
}

const self = fileURLToPath(import.meta.url);

export async function spawnStreamClient(): Promise<StreamClient> {
  const child = await spawnChildServer(self, {});
  const endpoint = `http://127.0.0.1:${child.port}/streams`;
  return {
    streams: async (url, tokens, prompt) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url, tokens, prompt } satisfies StreamsRequest),
      });
      if (!response.ok) throw new Error(`stream client: ${response.status} ${await response.text()}`);
      return (await response.json()) as StreamsAnswer;
    },
    close: child.close,
  };
}

async function answer(request: StreamsRequest): Promise<StreamsAnswer> {
  const started = performance.now();
  const outcomes = await Promise.all(request.tokens.map((token) => streamOnce(request.url, token, request.prompt)));
  return { outcomes, seconds: (performance.now() - started) / 1000 };
}

if (runsAsChild(self)) {
  await serveAsChild(async () => {
    const server = createServer(async (req, res) => {
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = JSON.stringify(await answer(JSON.parse(Buffer.concat(chunks).toString()) as StreamsRequest));
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      } catch (err) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    return {
      port: typeof address === 'object' && address ? address.port : 0,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  });
}
