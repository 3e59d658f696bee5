// The CLI's commands: each names one admin API call and how to print its answer.
import { tierLimitsSchema } from '../../functions/shared/tier.js';
import { parseModelKey } from '../../functions/shared/catalog.js';
import { keyValues, table, type Row } from './format.js';
import { printAccount, printCatalog, printRollups, printUsage } from './printers.js';
import { type Command, enc, need, readJson, UsageError } from './command.js';
import { experimentCommand } from './experiment-commands.js';

export interface CommandOptions {
  reason?: string;
  key?: string;
  limit?: string;
  user?: string;
  from?: string;
  to?: string;
  input?: string;
  output?: string;
}

const query = (entries: Record<string, string | undefined>) => {
  const params = new URLSearchParams(Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined));
  return params.size ? `?${params}` : '';
};
const integer = (value: string | undefined, what: string) => {
  const number = Number(need(value, what));
  if (!Number.isInteger(number)) throw new UsageError(`${what} must be an integer`);
  return number;
};

const tierColumns = [
  'name',
  'requestsPerHour',
  'burst',
  'maxTokensPerRequest',
  'concurrentStreams',
  'tokensPerMinute',
  'maxStreamSeconds',
  'features',
  'degradeTo',
  'allowedModels',
];
const sessionColumns = ['sessionId', 'status', 'model', 'startedAt', 'tokensIn', 'tokensOut', 'charged', 'endReason'];

function modelPath(key: string | undefined): string {
  const ref = parseModelKey(need(key, 'provider:model'));
  if (!ref) throw new UsageError(`expected provider:model, e.g. deepinfra:meta-llama/Llama-3.3-70B-Instruct`);
  return `/models/${enc(ref.provider)}/${enc(ref.modelId)}`;
}

export function command(args: string[], options: CommandOptions): Command {
  const [group, action, a, b] = args;
  switch (`${group} ${action ?? ''}`.trim()) {
    case 'tiers list':
      return { method: 'GET', path: '/tiers', print: (body) => table(body as Row[], tierColumns) };
    case 'tiers get':
      return { method: 'GET', path: `/tiers/${enc(need(a, 'tier name'))}`, print: (body) => keyValues(body as Row) };
    case 'tiers put': {
      const { name: _name, ...limits } = readJson(need(b, 'tier JSON or file'));
      // All limits: create or replace. Some: change only those (the tier must exist).
      const complete = tierLimitsSchema.safeParse(limits).success;
      return {
        method: complete ? 'PUT' : 'PATCH',
        path: `/tiers/${enc(need(a, 'tier name'))}`,
        body: limits,
        print: (body) => keyValues(body as Row),
      };
    }
    case 'tiers delete':
      return { method: 'DELETE', path: `/tiers/${enc(need(a, 'tier name'))}`, print: () => `deleted tier ${a}` };
    case 'user get':
      return { method: 'GET', path: `/users/${enc(need(a, 'user id'))}`, print: printAccount };
    case 'user set-tier':
      return {
        method: 'PUT',
        path: `/users/${enc(need(a, 'user id'))}/tier`,
        body: { tier: need(b, 'tier') },
        print: printAccount,
      };
    case 'user abuse-reset':
      return {
        method: 'POST',
        path: `/users/${enc(need(a, 'user id'))}/abuse/reset`,
        print: () => `abuse signals of ${a} cleared`,
      };
    case 'credits grant':
      return {
        method: 'POST',
        path: `/users/${enc(need(a, 'user id'))}/credits`,
        body: {
          amount: integer(b, 'amount (micro-units)'),
          reason: need(options.reason, '--reason'),
          idempotencyKey: options.key ?? `cli-${crypto.randomUUID()}`,
        },
        print: (body) => {
          const r = body as { outcome: string; balance: number; available: number; entry: Row };
          return `${r.outcome}: ${r.entry.amount} (${r.entry.reason}), key ${r.entry.idempotencyKey}\nbalance ${r.balance}, available ${r.available}`;
        },
      };
    case 'sessions list':
      return {
        method: 'GET',
        path: `/users/${enc(need(a, 'user id'))}/sessions`,
        print: (body) => table(body as Row[], sessionColumns),
      };
    case 'sessions get':
      return {
        method: 'GET',
        path: `/sessions/${enc(need(a, 'session id'))}`,
        print: (body) => keyValues(body as Row),
      };
    case 'sessions kill':
      return {
        method: 'DELETE',
        path: `/users/${enc(need(a, 'user id'))}/sessions/${enc(need(b, 'session id'))}`,
        print: () => `session ${b} is terminating (at its next usage report)`,
      };
    case 'models list':
      return { method: 'GET', path: '/models', print: printCatalog };
    case 'models set':
      return {
        method: 'PUT',
        path: modelPath(a),
        body: { input: integer(options.input, '--input'), output: integer(options.output, '--output') },
        print: (body) => keyValues(body as Row),
      };
    case 'models delete':
      return { method: 'DELETE', path: modelPath(a), print: () => `${a} is no longer offered` };
    case 'rollups recompute':
      return {
        method: 'POST',
        path: '/rollups/recompute',
        body: { from: timestamp(need(options.from, '--from')), to: timestamp(need(options.to, '--to')) },
        print: (body) => `recomputed ${(body as { hours: string[] }).hours.join(', ')}`,
      };
    default:
      break;
  }
  switch (group) {
    case 'experiments':
      return experimentCommand(action, a);
    case 'ledger':
      return {
        method: 'GET',
        path: `/users/${enc(need(action, 'user id'))}/ledger?limit=${options.limit ?? 50}`,
        print: (body) =>
          table((body as { items: Row[] }).items, ['at', 'type', 'amount', 'reason', 'sessionId', 'actor']),
      };
    case 'usage':
      return {
        method: 'GET',
        path: `/usage${query({ userId: options.user, from: options.from, to: options.to })}`,
        print: printUsage,
      };
    case 'rollups':
      return { method: 'GET', path: `/rollups${query({ from: options.from, to: options.to })}`, print: printRollups };
    case 'audit':
      return {
        method: 'GET',
        path: `/audit?limit=${options.limit ?? 50}`,
        print: (body) => table(body as Row[], ['at', 'actor', 'action', 'target']),
      };
  }
  throw new UsageError(group ? `unknown command: ${args.join(' ')}` : 'no command');
}

/** An ISO time or epoch ms, as the API takes it in a body. */
function timestamp(value: string): number {
  const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(at)) throw new UsageError(`not a time: ${value} (ISO time or epoch ms)`);
  return at;
}
