// /admin/users/:id: the account, tier assignment, credit grants and debits, the ledger.
import { httpError } from '../../functions/http/errors.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { accountView } from '../account-view.js';
import { ledgerPosition } from '../ledger-cursor.js';
import { countTierChange } from '../experiment-upgrades.js';
import {
  accountResponse,
  assignTierBody,
  creditBody,
  creditResponse,
  errorBody,
  ledgerPageResponse,
  pageQuery,
  userId,
} from '../schemas.js';

export function userRoutes(app: AdminApp, { store, experiments, clock }: AdminContext): void {
  const view = async (id: string) => {
    const account = await store.getAccount(id);
    if (!account) throw httpError(404, 'not_found', `no account for user ${id}`);
    const now = clock();
    const [tier, sessions] = await Promise.all([
      store.getTier(account.tier),
      store.userSessions(id, { limit: 10_000, from: now - 86_400_000 }),
    ]);
    return accountView(account, tier, sessions, now);
  };

  app.get(
    '/admin/users/:id',
    {
      schema: {
        summary: 'Get an account: tier, balance, reservations, limits and recent usage',
        tags: ['users'],
        params: userId,
        response: { 200: accountResponse, 404: errorBody },
      },
    },
    (request) => view(request.params.id),
  );

  app.put(
    '/admin/users/:id/tier',
    {
      schema: {
        summary: 'Assign a tier (creates the account if needed)',
        tags: ['users'],
        params: userId,
        body: assignTierBody,
        response: { 200: accountResponse, 400: errorBody },
      },
    },
    async (request) => {
      if (!(await store.getTier(request.body.tier))) {
        throw httpError(400, 'invalid_request', `no tier named ${request.body.tier}`, {
          details: { fields: { tier: 'unknown tier' } },
        });
      }
      const before = await store.getAccount(request.params.id);
      await store.assignTier(request.params.id, request.body.tier, clock());
      await store.audit({
        at: clock(),
        actor: request.actor,
        action: 'user.tier',
        target: request.params.id,
        details: { from: before?.tier ?? null, to: request.body.tier },
      });
      // An upgrade in the report of the old tier's running experiment; a lost count must not undo the change.
      await countTierChange(experiments, request.params.id, before?.tier, request.body.tier).catch((err: unknown) =>
        request.log.warn({ err }, 'tier change not counted in its experiment'),
      );
      return view(request.params.id);
    },
  );

  app.post(
    '/admin/users/:id/credits',
    {
      schema: {
        summary: 'Grant (positive amount) or debit (negative) credits, exactly once per idempotency key',
        tags: ['credits'],
        params: userId,
        body: creditBody,
        response: { 200: creditResponse, 201: creditResponse, 400: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const result = await store.applyCredit(request.params.id, { ...request.body, actor: request.actor }, clock());
      if (result.outcome === 'conflict') throw httpError(409, 'idempotency_conflict', result.message);
      if (result.outcome === 'balance_limit') {
        throw httpError(
          409,
          'balance_limit',
          `a grant of ${request.body.amount} would take the balance past its limit`,
        );
      }
      if (result.outcome === 'insufficient') {
        throw httpError(
          409,
          'insufficient_credits',
          `a debit of ${-request.body.amount} exceeds the available ${result.available}`,
        );
      }
      return reply.code(result.outcome === 'applied' ? 201 : 200).send(result);
    },
  );

  app.get(
    '/admin/users/:id/ledger',
    {
      schema: {
        summary: 'Ledger entries, newest first',
        tags: ['credits'],
        params: userId,
        querystring: pageQuery,
        response: { 200: ledgerPageResponse, 400: errorBody },
      },
    },
    (request) =>
      store.ledger(request.params.id, request.query.limit, ledgerPosition(request.query.cursor, request.params.id)),
  );
}
