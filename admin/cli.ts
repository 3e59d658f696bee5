// `npm run admin -- <command>`: the admin API from a terminal, against the local server by
// default or a deployed stack's admin URL (--url, signed with SigV4).
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminClient, regionOfFunctionUrl, type AdminAuth } from './cli/admin-client.js';
import { keyValues, table, type Row } from './cli/format.js';
import { type Command, enc, need, readJson, UsageError } from './cli/command.js';
import { experimentCommand, experimentUsage } from './cli/experiment-commands.js';

const usage = `usage: npm run admin -- <command> [options]

commands:
  tiers list                                  list tiers
  tiers get <name>                            show a tier
  tiers put <name> <file.json | '{json}'>     create or replace a tier's limits
  tiers delete <name>                         delete a tier (refused while users have it)
  user get <userId>                           account, balance, limits, recent usage
  user set-tier <userId> <tier>               assign a tier
  credits grant <userId> <amount> --reason R  grant (or debit, with a negative amount)
                [--key K]                     idempotency key (default: generated; reuse it to retry safely)
  ledger <userId> [--limit N]                 ledger entries, newest first
  sessions list <userId>                      a user's sessions, active first
  sessions get <sessionId>                    one settled session
  sessions kill <userId> <sessionId>          terminate a live session (at its next usage report)
  usage [--user U] [--from T] [--to T]        usage report (T: ISO time or epoch ms; default last 24h)
  audit [--limit N]                           recent administrative changes
${experimentUsage}

options:
  --url URL      admin API base URL (default $ADMIN_URL or http://127.0.0.1:$PORT/admin)
  --token T      admin bearer token (default $ADMIN_TOKEN, or the local dev token)
  --sigv4        sign with AWS SigV4 (automatic for *.lambda-url.<region>.on.aws URLs)
  --region R     region for SigV4 (default from the URL or $AWS_REGION)
  --json         print the raw JSON answer`;

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    sigv4: { type: 'boolean', default: false },
    region: { type: 'string' },
    json: { type: 'boolean', default: false },
    reason: { type: 'string' },
    key: { type: 'string' },
    limit: { type: 'string' },
    user: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    actor: { type: 'string' },
  },
});

function clientFor(): AdminClient {
  const url = new URL(options.url ?? process.env.ADMIN_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/admin`);
  const lambdaRegion = regionOfFunctionUrl(url);
  if (options.sigv4 || lambdaRegion) {
    const region = options.region ?? lambdaRegion ?? process.env.AWS_REGION;
    if (!region) throw new UsageError('--sigv4 needs --region or AWS_REGION');
    return new AdminClient(url, { kind: 'sigv4', region });
  }
  const localToken = join(import.meta.dirname, '..', '.local-data', 'dev-admin-token');
  const token =
    options.token ??
    process.env.ADMIN_TOKEN ??
    (existsSync(localToken) ? readFileSync(localToken, 'utf8').trim() : undefined);
  if (!token) throw new UsageError('no admin token: pass --token, set ADMIN_TOKEN, or run `npm run dev` once');
  const auth: AdminAuth = { kind: 'token', token, actor: options.actor ?? process.env.USER };
  return new AdminClient(url, auth);
}

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
];
const sessionColumns = ['sessionId', 'status', 'model', 'startedAt', 'tokensIn', 'tokensOut', 'charged', 'endReason'];

function command(args: string[]): Command {
  const [group, action, a, b] = args;
  switch (`${group} ${action ?? ''}`.trim()) {
    case 'tiers list':
      return { method: 'GET', path: '/tiers', print: (body) => table(body as Row[], tierColumns) };
    case 'tiers get':
      return { method: 'GET', path: `/tiers/${enc(need(a, 'tier name'))}`, print: (body) => keyValues(body as Row) };
    case 'tiers put':
      return {
        method: 'PUT',
        path: `/tiers/${enc(need(a, 'tier name'))}`,
        body: readJson(need(b, 'tier JSON or file')),
        print: (body) => keyValues(body as Row),
      };
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
    case 'credits grant': {
      const amount = Number(need(b, 'amount'));
      if (!Number.isInteger(amount)) throw new UsageError('amount must be an integer number of micro-units');
      return {
        method: 'POST',
        path: `/users/${enc(need(a, 'user id'))}/credits`,
        body: {
          amount,
          reason: need(options.reason, '--reason'),
          idempotencyKey: options.key ?? `cli-${crypto.randomUUID()}`,
        },
        print: (body) => {
          const r = body as { outcome: string; balance: number; available: number; entry: Row };
          return `${r.outcome}: ${cell(r.entry.amount)} (${cell(r.entry.reason)}), key ${cell(r.entry.idempotencyKey)}\nbalance ${r.balance}, available ${r.available}`;
        },
      };
    }
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
    case 'audit':
      return {
        method: 'GET',
        path: `/audit?limit=${options.limit ?? 50}`,
        print: (body) => table(body as Row[], ['at', 'actor', 'action', 'target']),
      };
    default:
      break;
  }
  if (group === 'experiments') return experimentCommand(action, a);
  if (group === 'ledger') {
    return {
      method: 'GET',
      path: `/users/${enc(need(action, 'user id'))}/ledger?limit=${options.limit ?? 50}`,
      print: (body) =>
        table((body as { items: Row[] }).items, ['at', 'type', 'amount', 'reason', 'sessionId', 'actor']),
    };
  }
  if (group === 'usage') {
    const query = new URLSearchParams(
      Object.entries({ userId: options.user, from: options.from, to: options.to }).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
    return {
      method: 'GET',
      path: `/usage${query.size ? `?${query}` : ''}`,
      print: (body) => {
        const report = body as { users: Row[]; models: Row[]; totals: Row };
        return [
          'by user',
          table(report.users, ['userId', 'requests', 'inputTokens', 'outputTokens', 'cost', 'rejections']),
          '',
          'by model',
          table(report.models, ['model', 'requests', 'inputTokens', 'outputTokens', 'cost']),
          '',
          keyValues(report.totals),
        ].join('\n');
      },
    };
  }
  throw new UsageError(group ? `unknown command: ${args.join(' ')}` : 'no command');
}

const cell = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function printAccount(body: unknown): string {
  const a = body as Row & {
    bucket: Row | null;
    leases: Row;
    usage: { lastHour: Row; lastDay: Row };
    openReservations: Row[];
  };
  return [
    keyValues({
      userId: a.userId,
      tier: a.tier,
      balance: a.balance,
      available: a.available,
      reserved: a.reserved,
      tokensThisMinute: a.tokensThisMinute,
    }),
    keyValues({
      'requests left': a.bucket ? `${a.bucket.remaining}/${a.bucket.limit}` : 'unknown tier',
      'streams held': `${a.leases.held}/${a.leases.max ?? '?'}`,
    }),
    '',
    'usage',
    table(
      [
        { window: 'last hour', ...a.usage.lastHour },
        { window: 'last day', ...a.usage.lastDay },
      ],
      ['window', 'requests', 'inputTokens', 'outputTokens', 'cost'],
    ),
    '',
    'open reservations',
    table(a.openReservations, ['sessionId', 'reserved', 'model', 'startedAt', 'expiresAt']),
  ].join('\n');
}

async function main(): Promise<number> {
  if (positionals.length === 0 || positionals[0] === 'help') {
    console.log(usage);
    return positionals.length === 0 ? 2 : 0;
  }
  const cmd = command(positionals);
  const response = await clientFor().call(cmd.method, cmd.path, cmd.body);
  if (response.status >= 400) {
    const error = (response.body as { error?: { type: string; message: string; fields?: Record<string, string> } })
      .error;
    console.error(
      error
        ? `error ${response.status} ${error.type}: ${error.message}`
        : `error ${response.status}: ${JSON.stringify(response.body)}`,
    );
    for (const [field, message] of Object.entries(error?.fields ?? {})) console.error(`  ${field}: ${message}`);
    return 1;
  }
  console.log(options.json ? JSON.stringify(response.body, null, 2) : cmd.print(response.body));
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${usage}`);
    process.exitCode = 2;
  } else {
    console.error(`admin: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
