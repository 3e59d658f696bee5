// Usage reports over a time range (default: the last 24 hours), and the audit log.
import { z } from 'zod';
import { httpError } from '../../functions/http/errors.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { usageReport } from '../usage-report.js';
import { auditResponse, errorBody, pageQuery, usageQuery, usageReportResponse } from '../schemas.js';

export function usageRoutes(app: AdminApp, { store, clock }: AdminContext): void {
  app.get(
    '/admin/usage',
    {
      schema: {
        summary: 'Tokens, cost, requests and refusals by reason, per user and per model',
        tags: ['usage'],
        querystring: usageQuery,
        response: { 200: usageReportResponse, 400: errorBody },
      },
    },
    async (request) => {
      const to = request.query.to ?? clock();
      const from = request.query.from ?? to - 86_400_000;
      if (from > to)
        throw httpError(400, 'invalid_request', 'from must not be after to', {
          details: { fields: { from: 'after to' } },
        });
      const { userId } = request.query;
      const sessions = userId
        ? await store.userSessions(userId, { limit: 100_000, from, to })
        : await store.sessionsBetween(from, to);
      return usageReport(sessions, await store.usageCounters(userId, from, to), from, to);
    },
  );

  app.get(
    '/admin/audit',
    {
      schema: {
        summary: 'Recent administrative changes, newest first',
        tags: ['usage'],
        querystring: pageQuery.pick({ limit: true }),
        response: { 200: z.array(auditResponse) },
      },
    },
    (request) => store.auditLog(request.query.limit),
  );
}
