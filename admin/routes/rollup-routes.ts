// /admin/rollups: hourly usage aggregates (requests, tokens, cost by tier, model and top
// users; refusals by reason; active-stream samples) for the dashboard. Reads the rollup
// items only, never the sessions; recomputing hours from their sessions is an operator's
// backfill (hours before the index existed, or records projected more than an hour late).
import { httpError } from '../../functions/http/errors.js';
import { usageHour } from '../../functions/shared/keys.js';
import { maxRecomputeHours, recomputeHours } from '../../functions/rollup/rollup-job.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { rollupReport } from '../rollup-report.js';
import { recomputeBody, recomputeResponse, rollupQuery, rollupsResponse } from '../rollup-schemas.js';
import { errorBody } from '../schemas.js';

const hourMs = 3_600_000;
const maxRangeHours = 31 * 24;

function range(from: number, to: number, maxHours: number): void {
  if (from > to)
    throw httpError(400, 'invalid_request', 'from must not be after to', { details: { fields: { from: 'after to' } } });
  if (to - from > maxHours * hourMs)
    throw httpError(400, 'invalid_request', `at most ${maxHours} hours at once`, {
      details: { fields: { from: 'too early' } },
    });
}

export function rollupRoutes(app: AdminApp, { rollups, store, clock }: AdminContext): void {
  app.get(
    '/admin/rollups',
    {
      schema: {
        summary: 'Hourly usage rollups and active-stream samples over a time range (default: the last 24 hours)',
        tags: ['usage'],
        querystring: rollupQuery,
        response: { 200: rollupsResponse, 400: errorBody },
      },
    },
    async (request) => {
      const to = request.query.to ?? clock();
      const from = request.query.from ?? to - 24 * hourMs;
      range(from, to, maxRangeHours);
      return rollupReport(await rollups.rollups(usageHour(from), usageHour(to)), from, to);
    },
  );

  app.post(
    '/admin/rollups/recompute',
    {
      schema: {
        summary: 'Recompute the rollups of past hours from their session records (idempotent)',
        tags: ['usage'],
        body: recomputeBody,
        response: { 200: recomputeResponse, 400: errorBody },
      },
    },
    async (request) => {
      const { from, to } = request.body;
      range(from, to, maxRecomputeHours);
      const result = await recomputeHours(rollups, from, to, clock());
      await store.audit({
        at: clock(),
        actor: request.actor,
        action: 'rollups.recompute',
        target: `${usageHour(from)}..${usageHour(to)}`,
      });
      return result;
    },
  );
}
