// GET /playground/account: the signed-in user's own account, for the playground's status
// bar: balance, reserved credit, requests left, and what each recent answer cost (settled
// sessions, and charges committed but not yet projected). Authenticated with the user's
// chat token, as the chat stream is; served only by `npm run dev`.
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../functions/auth/bearer-auth.js';
import { errorResponse } from '../../functions/http/errors.js';
import type { SettledSession } from '../../functions/throttle/account.js';
import { accountView } from '../../admin/account-view.js';
import type { AdminStore } from '../../admin/admin-store.js';

const recentAnswers = 20;

export interface PlaygroundAccountOptions {
  authenticate: Authenticator;
  store: Pick<AdminStore, 'getAccount' | 'getTier' | 'userSessions'>;
  clock?: () => number;
}

export function registerPlaygroundAccount(app: FastifyInstance, options: PlaygroundAccountOptions): void {
  const clock = options.clock ?? Date.now;
  app.get('/playground/account', async (request, reply) => {
    let userId: string;
    try {
      ({ userId } = await options.authenticate(request.headers.authorization));
    } catch (err) {
      const rendered = errorResponse(err);
      return reply.code(rendered.statusCode).headers(rendered.headers).send(rendered.body);
    }
    reply.header('cache-control', 'no-store');
    const account = await options.store.getAccount(userId);
    if (!account) return { userId, account: null }; // made by the first chat request
    const now = clock();
    const [tier, settled] = await Promise.all([
      options.store.getTier(account.tier),
      options.store.userSessions(userId, { limit: recentAnswers }),
    ]);
    // A settlement's session record may still be in the account's outbox (projected a moment later).
    const unprojected = Object.values(account.outbox).flatMap((m) => (m.kind === 'charge' ? [m.session] : []));
    const sessions = new Map<string, SettledSession>([...settled, ...unprojected].map((s) => [s.sessionId, s]));
    const view = accountView(account, tier, [...sessions.values()], now);
    return {
      userId,
      account: {
        tier: view.tier,
        balance: view.balance,
        available: view.available,
        reserved: view.reserved,
        requests: view.bucket,
        streams: view.leases,
        answers: [...sessions.values()]
          .sort((a, b) => b.settledAt - a.settledAt)
          .slice(0, recentAnswers)
          .map((s) => ({
            sessionId: s.sessionId,
            model: s.model,
            requestedModel: s.requestedModel,
            charged: s.charged,
            tokensIn: s.tokensIn,
            tokensOut: s.tokensOut,
            endReason: s.endReason,
          })),
      },
    };
  });
}
