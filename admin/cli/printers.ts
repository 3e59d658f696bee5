// How the CLI prints the admin API's larger answers: accounts, usage reports, rollups and
// the model catalog, as key/value blocks and aligned tables.
import { keyValues, table, type Row } from './format.js';

const cell = (value: unknown) => (value === undefined || value === null ? '' : String(value));

export function printAccount(body: unknown): string {
  const a = body as Row & {
    bucket: Row | null;
    leases: Row;
    usage: { lastHour: Row; lastDay: Row };
    openReservations: Row[];
    abuse: { score: number; state: string; signals: Row[] };
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
    '',
    `trust score ${a.abuse.score} (${a.abuse.state}); recent signals`,
    table(a.abuse.signals, ['at', 'signal', 'weight']),
  ].join('\n');
}

/** Refusal counts by reason as rows, biggest first. */
const refusalRows = (rejections: Record<string, number>, extra: Row = {}): Row[] =>
  Object.entries(rejections)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => ({ ...extra, reason, count }));

export function printUsage(body: unknown): string {
  const report = body as {
    users: Array<Row & { userId: string; rejections: Record<string, number> }>;
    models: Row[];
    totals: Row & { rejections: Record<string, number> };
  };
  const { rejections, ...totals } = report.totals;
  return [
    'by user',
    table(report.users, ['userId', 'requests', 'inputTokens', 'outputTokens', 'cost']),
    '',
    'by model',
    table(report.models, ['model', 'requests', 'inputTokens', 'outputTokens', 'cost']),
    '',
    keyValues(totals),
    '',
    'refusals',
    table(refusalRows(rejections), ['reason', 'count']),
    '',
    'refusals by user',
    table(
      report.users.flatMap((u) => refusalRows(u.rejections, { userId: u.userId })),
      ['userId', 'reason', 'count'],
    ),
  ].join('\n');
}

export function printRollups(body: unknown): string {
  const rollups = body as {
    hours: Array<{ hour: string; totals: Row; users: number; rejections: Record<string, number> }>;
    load: Array<Row & { at: number }>;
    topSpenders: Row[];
  };
  const refusals = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return [
    'by hour (UTC)',
    table(
      rollups.hours.map((h) => ({ hour: h.hour, ...h.totals, users: h.users, refusals: refusals(h.rejections) })),
      ['hour', 'requests', 'inputTokens', 'outputTokens', 'cost', 'users', 'refusals'],
    ),
    '',
    'refusals by hour',
    table(
      rollups.hours.flatMap((h) => refusalRows(h.rejections, { hour: h.hour })),
      ['hour', 'reason', 'count'],
    ),
    '',
    'top spenders',
    table(rollups.topSpenders, ['userId', 'requests', 'inputTokens', 'outputTokens', 'cost']),
    '',
    `active streams: ${cell(rollups.load.at(-1)?.active ?? 'no sample')}`,
  ].join('\n');
}

export function printCatalog(body: unknown): string {
  const catalog = body as { source: string; rev: number | null; updatedBy?: string; providers: Row[]; models: Row[] };
  return [
    keyValues({ source: catalog.source, revision: catalog.rev, 'changed by': catalog.updatedBy }),
    '',
    'providers',
    table(catalog.providers, ['name', 'kind', 'baseUrl']),
    '',
    'models (micro-units per million tokens)',
    table(catalog.models, ['provider', 'model', 'input', 'output']),
  ].join('\n');
}
