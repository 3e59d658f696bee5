// /admin/experiments: create (at most one running per tier), list, get, stop (the record and
// its report are kept), and the per-variant report.
import { z } from 'zod';
import { httpError } from '../../functions/http/errors.js';
import { experimentProblems, type ExperimentRecord } from '../../functions/experiments/experiment.js';
import type { AdminApp, AdminContext } from '../admin-context.js';
import { experimentReport } from '../experiment-report.js';
import {
  createExperimentBody,
  experimentId,
  experimentReportResponse,
  experimentResponse,
} from '../experiment-schemas.js';
import { errorBody } from '../schemas.js';

export function experimentRoutes(
  app: AdminApp,
  { store, experiments, catalog, streamTimeoutSeconds, clock }: AdminContext,
): void {
  const found = async (id: string): Promise<ExperimentRecord> => {
    const experiment = await experiments.record(id);
    if (!experiment) throw httpError(404, 'not_found', `no experiment named ${id}`);
    return experiment;
  };

  app.post(
    '/admin/experiments',
    {
      schema: {
        summary: "Start a limit experiment on a tier's users (at most one running per tier)",
        tags: ['experiments'],
        body: createExperimentBody,
        response: { 200: experimentResponse, 201: experimentResponse, 400: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const definition = request.body;
      const tier = await store.getTier(definition.tier);
      if (!tier) {
        throw httpError(400, 'invalid_request', `no tier named ${definition.tier}`, {
          details: { fields: { tier: 'unknown tier' } },
        });
      }
      const fields = experimentProblems(definition, tier, { catalog: await catalog.current(), streamTimeoutSeconds });
      if (Object.keys(fields).length) {
        const reasons = Object.entries(fields).map(([field, problem]) => `${field} ${problem}`);
        throw httpError(400, 'invalid_experiment', `the experiment cannot run: ${reasons.join('; ')}`, {
          details: { fields },
        });
      }
      const now = clock();
      const result = await experiments.create({
        ...definition,
        salt: definition.salt ?? definition.id,
        createdAt: now,
        createdBy: request.actor,
      });
      if (result.outcome === 'exists') {
        throw httpError(409, 'experiment_exists', `an experiment named ${definition.id} exists; choose another name`);
      }
      if (result.outcome === 'tier_busy') {
        throw httpError(
          409,
          'experiment_running',
          `experiment ${result.runningId} is running on tier ${definition.tier}; stop it first`,
        );
      }
      if (result.outcome === 'created') {
        await store.audit({
          at: now,
          actor: request.actor,
          action: 'experiment.create',
          target: definition.id,
          details: { tier: definition.tier, variants: definition.variants },
        });
      }
      return reply.code(result.outcome === 'created' ? 201 : 200).send(result.experiment);
    },
  );

  app.get(
    '/admin/experiments',
    {
      schema: {
        summary: 'List experiments, running and stopped, newest first',
        tags: ['experiments'],
        response: { 200: z.array(experimentResponse) },
      },
    },
    () => experiments.list(),
  );

  app.get(
    '/admin/experiments/:id',
    {
      schema: {
        summary: 'Get an experiment',
        tags: ['experiments'],
        params: experimentId,
        response: { 200: experimentResponse, 404: errorBody },
      },
    },
    (request) => found(request.params.id),
  );

  app.post(
    '/admin/experiments/:id/stop',
    {
      schema: {
        summary: "Stop an experiment: its tier's users get the tier's limits again; the report is kept",
        tags: ['experiments'],
        params: experimentId,
        response: { 200: experimentResponse, 404: errorBody },
      },
    },
    async (request) => {
      const now = clock();
      const result = await experiments.stop(request.params.id, request.actor, now);
      if (result.outcome === 'not_found') throw httpError(404, 'not_found', `no experiment named ${request.params.id}`);
      if (result.outcome === 'stopped') {
        await store.audit({
          at: now,
          actor: request.actor,
          action: 'experiment.stop',
          target: request.params.id,
          details: { tier: result.experiment.tier },
        });
      }
      return result.experiment;
    },
  );

  app.get(
    '/admin/experiments/:id/report',
    {
      schema: {
        summary: 'Per variant: users, requests, refusals by reason, tokens, cost and upgrades',
        tags: ['experiments'],
        params: experimentId,
        response: { 200: experimentReportResponse, 404: errorBody },
      },
    },
    async (request) => {
      const experiment = await found(request.params.id);
      const [members, sessions] = await Promise.all([
        experiments.members(experiment.id),
        Promise.all(
          experiment.variants.map(
            async (v) => [v.name, await experiments.variantSessions(experiment.id, v.name)] as const,
          ),
        ),
      ]);
      return experimentReport(experiment, new Map(sessions), members);
    },
  );
}
