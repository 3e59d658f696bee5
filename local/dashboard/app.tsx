// The usage and cost dashboard: hourly rollups from the admin API (through the server that
// serves this page, which adds the credentials: the admin token locally, SigV4 for a
// deployed stack; the page itself holds none), drawn as plain SVG.
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BarList, TimeChart } from './charts.js';
import { credits } from '../credits-format.js';
import { groupSeries, loadSeries, rangeTotals, rejectionSeries, type GroupBy, type Rollups } from './series.js';

const ranges = { '6h': 6, '24h': 24, '7d': 24 * 7, '30d': 24 * 30 } as const;
type Range = keyof typeof ranges;

async function fetchRollups(range: Range): Promise<Rollups> {
  const to = Date.now();
  const from = to - ranges[range] * 3_600_000;
  const response = await fetch(`/dashboard/api/rollups?from=${from}&to=${to}`);
  const body = (await response.json()) as Rollups & { error?: { type: string; message: string } };
  if (!response.ok)
    throw new Error(body.error ? `${body.error.type}: ${body.error.message}` : `HTTP ${response.status}`);
  return body;
}

function Dashboard() {
  const [range, setRange] = useState<Range>((new URLSearchParams(location.search).get('range') as Range) ?? '24h');
  const [groupBy, setGroupBy] = useState<GroupBy>('tier');
  const [rollups, setRollups] = useState<Rollups>();
  const [failure, setFailure] = useState<string>();
  const [loadedAt, setLoadedAt] = useState<Date>();

  const load = useCallback(() => {
    fetchRollups(range in ranges ? range : '24h').then(
      (body) => {
        setRollups(body);
        setFailure(undefined);
        setLoadedAt(new Date());
      },
      (err: Error) => setFailure(err.message),
    );
  }, [range]);
  useEffect(() => {
    load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, [load]);

  const totals = rollups && rangeTotals(rollups);
  return (
    <main>
      <header>
        <h1>Usage and cost</h1>
        <label>
          Range{' '}
          <select data-testid="range" value={range} onChange={(e) => setRange(e.target.value as Range)}>
            {Object.keys(ranges).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          By{' '}
          <select data-testid="group-by" value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
            <option value="tier">tier</option>
            <option value="model">model</option>
            <option value="user">user (top spenders)</option>
          </select>
        </label>
        <button type="button" onClick={load}>
          Refresh
        </button>
      </header>
      {failure && (
        <p className="error" role="alert" data-testid="error">
          {failure}
        </p>
      )}
      {rollups && totals && (
        <>
          <section className="totals" data-testid="totals">
            <div>
              <b data-testid="total-requests">{totals.requests.toLocaleString('en-US')}</b> requests
            </div>
            <div>
              <b>{(totals.inputTokens + totals.outputTokens).toLocaleString('en-US')}</b> tokens
            </div>
            <div>
              <b data-testid="total-cost">{credits(totals.cost)}</b> credits
            </div>
            <div>
              <b>{totals.rejections.toLocaleString('en-US')}</b> refusals
            </div>
          </section>
          <TimeChart
            title={`Requests by ${groupBy}`}
            testId="chart-requests"
            series={groupSeries(rollups, groupBy, 'requests')}
          />
          <TimeChart
            title={`Tokens by ${groupBy}`}
            testId="chart-tokens"
            series={groupSeries(rollups, groupBy, 'tokens')}
          />
          <TimeChart
            title={`Cost by ${groupBy} (credits)`}
            testId="chart-cost"
            series={groupSeries(rollups, groupBy, 'cost')}
            format={credits}
          />
          <TimeChart title="Refusals by reason" testId="chart-rejections" series={rejectionSeries(rollups)} />
          <TimeChart title="Active streams (sampled each minute)" testId="chart-active" series={loadSeries(rollups)} />
          <BarList
            title="Top spenders (credits)"
            testId="chart-top-spenders"
            bars={rollups.topSpenders.map((u) => ({
              label: u.userId,
              value: u.cost,
              detail: `${u.requests} requests`,
            }))}
            format={credits}
          />
          <p className="note">
            Hourly rollups, recomputed each minute for the current and the previous hour. Updated{' '}
            {loadedAt?.toLocaleTimeString()}.
          </p>
        </>
      )}
      {!rollups && !failure && <p>Loading…</p>}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Dashboard />
  </StrictMode>,
);
