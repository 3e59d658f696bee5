// `npm run admin -- dashboard`: serves the usage dashboard on this machine, as `kubectl
// proxy` does: the page calls this server, which calls the admin API with the operator's
// credentials (SigV4 for a deployed stack) and passes the answer on. The browser never
// sees a credential.
import Fastify, { type FastifyInstance } from 'fastify';
import { registerDashboard } from '../../local/dashboard/serve-dashboard.js';
import type { Target } from './target.js';

export async function serveDashboard(target: Target, port: number): Promise<{ url: string; app: FastifyInstance }> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  registerDashboard(app, {
    upstream: `${target.url.href} (from ${target.source})`,
    adminGet: async (pathAndQuery) => {
      const answer = await target.client.call('GET', pathAndQuery);
      return { status: answer.status, body: answer.body };
    },
  });
  const address = await app.listen({ port, host: '127.0.0.1' });
  return { url: `${address}/dashboard`, app };
}
