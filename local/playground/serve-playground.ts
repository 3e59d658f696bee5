// Serves the playground from the dev server: the page, its script (bundled by esbuild in
// memory on first request), and, under `npm run dev` only, a config with a dev token so
// the page just works. That token endpoint signs a token for any user, so it answers
// only clients on this machine.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../functions/config.js';
import { fixedCatalog, type CatalogSource } from '../../functions/catalog/catalog-source.js';
import { providerConfigured } from '../../functions/providers/configured-providers.js';
import { signDevToken } from '../dev-token.js';
import { userIdSchema } from '../../functions/auth/user-id.js';
import { isLocalClient } from './local-client.js';
import { pageScript } from '../browser-bundle.js';
import { createAuthenticator } from '../../functions/auth/bearer-auth.js';
import { registerPlaygroundAccount, type PlaygroundAccountOptions } from './playground-account.js';

const here = import.meta.dirname;

export interface PlaygroundOptions {
  jwtSecret: string;
  /** Serve `/playground/config.json` with a dev token (to loopback clients only). */
  devTokens: boolean;
  /** The run-time model catalog (default: the configured one). */
  catalog?: CatalogSource;
  /** Serves `/playground/account` (with `devTokens`): the signed-in user's balance, limits and answer costs. */
  accounts?: PlaygroundAccountOptions['store'];
}

export function registerPlayground(app: FastifyInstance, options: PlaygroundOptions): void {
  const script = pageScript(join(here, 'app.tsx'));

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(await readFile(join(here, 'index.html'), 'utf8')),
  );

  app.get('/playground.js', async (_request, reply) => {
    return reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await script());
  });

  if (!options.devTokens) return;
  if (options.accounts) {
    registerPlaygroundAccount(app, { authenticate: createAuthenticator(loadConfig().auth), store: options.accounts });
  }
  app.get('/playground/config.json', async (request, reply) => {
    if (!isLocalClient({ remoteAddress: request.socket.remoteAddress, host: request.headers.host })) {
      return reply.code(403).send({
        error: { type: 'forbidden', message: 'dev tokens are given only to clients on this machine (localhost)' },
      });
    }
    const requested = userIdSchema.safeParse((request.query as { user?: string }).user);
    const userId = requested.success ? requested.data : 'playground';
    const config = loadConfig();
    const catalog = await (options.catalog ?? fixedCatalog(config.catalog)).current();
    const models = Object.entries(catalog).flatMap(([provider, priced]) =>
      Object.keys(priced).map((model) => ({ provider, model, available: providerConfigured(config, provider) })),
    );
    models.sort((a, b) => Number(b.available) - Number(a.available));
    return reply
      .header('cache-control', 'no-store')
      .send({ userId, token: await signDevToken(options.jwtSecret, userId, { expiresIn: '1d' }), models });
  });
}
