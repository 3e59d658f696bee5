// A file server standing in for the places attachment URLs point at: it records every
// request it gets, so a test can say "nothing left the service for this host", and it
// can redirect, stream without end, declare a huge length, hang or answer 404.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AssetServer {
  port: number;
  /** Paths (with query) requested, in order. */
  requests: string[];
  /** Bytes /huge and /huge-declared wrote before their client went away. */
  hugeBytesSent: number;
  close(): Promise<void>;
}

/** A 1×1 PNG. */
export const pixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** The size of the download that raised the function's memory from 206 MB to 2 GB. */
const hugeBytes = 210 * 1024 * 1024;

export async function startAssetServer(): Promise<AssetServer> {
  const requests: string[] = [];
  const state = { hugeBytesSent: 0 };

  const streamHuge = (res: http.ServerResponse) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    state.hugeBytesSent = 0;
    const pump = () => {
      while (state.hugeBytesSent < hugeBytes) {
        state.hugeBytesSent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump); // a gone client never drains
      }
      res.end();
    };
    pump();
  };

  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://assets');
    const bytes = /^\/bytes\/(\d+)$/.exec(url.pathname);
    if (url.pathname === '/pixel.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(pixelPng);
    if (bytes) return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(Number(bytes[1]), 1));
    if (url.pathname === '/redirect')
      return void res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    if (url.pathname === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (url.pathname === '/huge') return void streamHuge(res.writeHead(200, { 'content-type': 'image/png' }));
    if (url.pathname === '/huge-declared') {
      return void streamHuge(res.writeHead(200, { 'content-type': 'image/png', 'content-length': hugeBytes }));
    }
    if (url.pathname === '/hang') return; // never answers
    res.writeHead(404).end();
  });
  // Loopback only; also reachable as localhost and as [::ffff:127.0.0.1].
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    get hugeBytesSent() {
      return state.hugeBytesSent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
