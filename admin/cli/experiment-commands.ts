// `npm run admin -- experiments ...`: create, list, stop and report limit experiments.
import { type Command, enc, need, readJson, UsageError } from './command.js';
import { keyValues, table, type Row } from './format.js';

export const experimentUsage = `  experiments create <file.json | '{json}'> start an experiment: {id, tier, variants: [{name, share, limits}]}
  experiments list                            experiments, running and stopped
  experiments stop <id>                       stop one (its users get the tier's limits; the report is kept)
  experiments report <id>                     per variant: users, requests, refusals, tokens, cost, upgrades`;

const experimentColumns = ['id', 'tier', 'status', 'variants', 'createdAt', 'stoppedAt'];
const reportColumns = [
  'variant',
  'share',
  'users',
  'requests',
  'refused',
  'rejections',
  'inputTokens',
  'outputTokens',
  'cost',
  'upgrades',
  'upgradesTo',
];

/** Variants as `name share` pairs, for one table cell. */
const variantsCell = (experiment: Row) =>
  (experiment.variants as Array<{ name: string; share: number }>).map((v) => `${v.name} ${v.share}`).join(', ');
const experimentRow = (experiment: Row): Row => ({ ...experiment, variants: variantsCell(experiment) });

export function experimentCommand(action: string | undefined, argument: string | undefined): Command {
  switch (action) {
    case 'create':
      return {
        method: 'POST',
        path: '/experiments',
        body: readJson(need(argument, 'experiment JSON or file')),
        print: (body) => keyValues(experimentRow(body as Row)),
      };
    case 'list':
      return {
        method: 'GET',
        path: '/experiments',
        print: (body) => table((body as Row[]).map(experimentRow), experimentColumns),
      };
    case 'stop':
      return {
        method: 'POST',
        path: `/experiments/${enc(need(argument, 'experiment id'))}/stop`,
        print: (body) => `stopped experiment ${(body as Row).id}; its report is kept`,
      };
    case 'report':
      return {
        method: 'GET',
        path: `/experiments/${enc(need(argument, 'experiment id'))}/report`,
        print: (body) => {
          const report = body as { experiment: Row; variants: Row[] };
          return [
            keyValues(experimentRow(report.experiment)),
            '',
            table(
              report.variants.map((v) => ({ ...v, variant: v.name })),
              reportColumns,
            ),
          ].join('\n');
        },
      };
    default:
      throw new UsageError(`unknown command: experiments ${action ?? ''}`.trim());
  }
}
