// Serves the usage and cost dashboard: the page, its script, and a read-only proxy for
// the one admin API call it makes (/rollups). The proxy adds the credentials (the local
// admin token under `npm run dev`; the operator's AWS credentials, SigV4-signed, under
// `npm run admin -- dashboard`), so the browser never holds any; and, like the
// playground's token endpoint, it answers only this machine asking for itself by name.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pageScript } from '../browser-bundle.js';
import { isLocalClient } from '../playground/local-client.js';

const here = import.meta.dirname;

/** GETs an admin API path (`/rollups?from=...`) with the server's credentials. */
type AdminGet = (pathAndQuery: string) => Promise<{ status: number; body: unknown }>;

export interface DashboardOptions {
  adminGet: AdminGet;
  /** Named in the page's error when the admin API cannot be reached. */
  upstream: string;
}

export function registerDashboard(app: FastifyInstance, options: DashboardOptions): void {
  const script = pageScript(join(here, 'app.tsx'));

  app.get('/dashboard', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(await readFile(join(here, 'index.html'), 'utf8')),
  );

  app.get('/dashboard.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await script()),
  );

  app.get('/dashboard/api/rollups', async (request, reply) => {
    if (!isLocalClient({ remoteAddress: request.socket.remoteAddress, host: request.headers.host })) {
      return reply.code(403).send({
        error: { type: 'forbidden', message: 'the dashboard answers only clients on this machine (localhost)' },
      });
    }
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    try {
      const answer = await options.adminGet(`/rollups${query}`);
      return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
    } catch (err) {
      return reply.code(502).send({
        error: { type: 'admin_unreachable', message: `${options.upstream}: ${(err as Error).message}` },
      });
    }
  });
}
