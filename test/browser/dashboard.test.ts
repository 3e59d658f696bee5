// The usage and cost dashboard in real Chromium: the plots are drawn from rollups of
// session records, refusal counters and load gauges that this test writes, served by the
// dev server (admin token added on the server) and by `npm run admin -- dashboard` (the
// operator's credentials added by the CLI). The page itself never holds a credential.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { useLocalStack } from '../helpers/local-stack.js';
import { launchBrowser } from '../helpers/browser.js';
import { admin } from '../helpers/admin-client.js';
import { StoreFixtures } from '../helpers/store-fixtures.js';
import { startCliDashboard } from '../helpers/admin-cli.js';
import { writeProjections } from '../../functions/throttle/dynamo/projection.js';
import { loadKey, rejectionCounterKey } from '../../functions/shared/keys.js';
import type { Movement, SettledSession } from '../../functions/throttle/account.js';

const stack = useLocalStack({ sweepIntervalMs: 0, dashboard: true });
let browser: Browser;
let store: StoreFixtures;

const hourMs = 3_600_000;
const now = Date.now();
const hours = [2, 1, 0].map((ago) => now - (now % hourMs) - ago * hourMs); // oldest first
const run = randomUUID().slice(0, 6);
const [u1, u2, u3] = ['ana', 'ben', 'cy'].map((name) => `${name}-${run}`) as [string, string, string];
const small = 'local:local-small';
const large = 'local:local-large';

/** The sessions of the three hours: who, on which tier and model, charged what. */
const plan: Array<[hour: number, userId: string, tier: string, model: string, charged: number]> = [
  [0, u1, 'gold', small, 1_500_000],
  [1, u1, 'gold', small, 500_000],
  [1, u2, 'silver', large, 2_000_000],
  [2, u2, 'silver', large, 1_000_000],
  [2, u3, 'gold', small, 250_000],
];

function charge(hour: number, userId: string, tier: string, model: string, charged: number): Movement {
  const at = hours[hour]! + 60_000;
  const session: SettledSession = {
    sessionId: randomUUID(),
    userId,
    tier,
    model,
    requestedModel: model,
    startedAt: at - 5_000,
    settledAt: at,
    reserved: charged,
    tokenGrant: 0,
    tokensIn: 100,
    tokensOut: 200,
    charged,
    overrun: 0,
    unusedGrant: 0,
    usageSource: 'provider',
    endReason: 'completed',
  };
  return { kind: 'charge', at, amount: -charged, session };
}

beforeAll(async () => {
  browser = await launchBrowser();
  store = new StoreFixtures(stack().dynamoEndpoint, stack().tables);
  // Session records as settlement projects them; refusal shards; two containers' load gauges.
  for (const [hour, userId, tier, model, charged] of plan) {
    await writeProjections(store.db, stack().tables, userId, [charge(hour, userId, tier, model, charged)]);
  }
  const put = (Item: Record<string, unknown>) =>
    store.db.send(new PutCommand({ TableName: stack().tables.credits, Item }));
  await put({ ...rejectionCounterKey(3, hours[1]!), rejected_rate_limit_exceeded: 4, hourStart: hours[1] });
  await put({
    ...rejectionCounterKey(6, hours[1]!),
    rejected_rate_limit_exceeded: 2,
    rejected_credits_exhausted: 1,
    hourStart: hours[1],
  });
  await put({ ...loadKey(`a-${run}`), active: 3, capacity: 10, at: Date.now() });
  await put({ ...loadKey(`b-${run}`), active: 4, capacity: 10, at: Date.now() });
  // The rollup job: past hours through the admin API's recompute, now through a run of the job.
  const recomputed = await admin(stack(), '/rollups/recompute', {
    method: 'POST',
    body: { from: hours[0], to: Date.now() },
  });
  expect(recomputed.status).toBe(200);
  await stack().rollup();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  store?.close();
});

type Plotted = Record<string, Array<[number, number]>>;

/** The series a chart drew, each as [x, y] of its markers, read back from the SVG. */
const allPlotted = (page: Page, chart: string): Promise<Plotted> =>
  page.$$eval(`[data-testid="${chart}"] g[data-series]`, (groups) =>
    Object.fromEntries(
      groups.map((g) => [
        g.getAttribute('data-series'),
        [...g.querySelectorAll('circle')].map((c) => [
          Number(c.getAttribute('data-x')),
          Number(c.getAttribute('data-y')),
        ]),
      ]),
    ),
  );
/** The hourly points of the three hours this test wrote (a clock that turns an hour adds an empty one). */
const plotted = async (page: Page, chart: string): Promise<Plotted> =>
  Object.fromEntries(
    Object.entries(await allPlotted(page, chart)).map(([name, points]) => [
      name,
      points.filter(([x]) => hours.includes(x)),
    ]),
  );
const perHour = (values: number[]): Array<[number, number]> => values.map((y, i) => [hours[i]!, y]);

async function open(url: string): Promise<{ page: Page; credentialsSent: string[] }> {
  const page = await browser.newPage();
  const credentialsSent: string[] = [];
  page.on('request', (request) => {
    const headers = request.headers();
    if (
      headers.authorization ||
      headers['x-amz-security-token'] ||
      new URL(request.url()).origin !== new URL(url).origin
    )
      credentialsSent.push(request.url());
  });
  await page.goto(url);
  await page.locator('[data-testid="chart-requests"] svg').waitFor({ timeout: 15_000 });
  return { page, credentialsSent };
}

async function expectThePlots(page: Page) {
  expect(await plotted(page, 'chart-requests')).toEqual({ gold: perHour([1, 1, 1]), silver: perHour([0, 1, 1]) });
  expect(await plotted(page, 'chart-tokens')).toEqual({
    silver: perHour([0, 300, 300]),
    gold: perHour([300, 300, 300]),
  });
  expect(await plotted(page, 'chart-cost')).toEqual({
    silver: perHour([0, 2_000_000, 1_000_000]),
    gold: perHour([1_500_000, 500_000, 250_000]),
  });
  expect(await plotted(page, 'chart-rejections')).toEqual({
    credits_exhausted: perHour([0, 1, 0]),
    rate_limit_exceeded: perHour([0, 6, 0]),
  });
  const active = await allPlotted(page, 'chart-active');
  expect(active['active streams']!.at(-1)![1]).toBe(7);
  expect(active.capacity!.at(-1)![1]).toBe(20);
  const spenders = await page.$$eval('[data-testid="chart-top-spenders"] g[data-bar]', (bars) =>
    bars.map((b) => [b.getAttribute('data-bar'), Number(b.getAttribute('data-value'))]),
  );
  expect(spenders).toEqual([
    [u2, 3_000_000],
    [u1, 2_000_000],
    [u3, 250_000],
  ]);
  expect(await page.getByTestId('total-requests').textContent()).toBe('5');
  expect(await page.getByTestId('total-cost').textContent()).toBe('5.25');
}

describe('usage dashboard', () => {
  it('plots requests, tokens, cost, refusals, active streams and top spenders from the rollups (npm run dev)', async () => {
    const { page, credentialsSent } = await open(`${stack().url}/dashboard`);
    await expectThePlots(page);

    await page.getByTestId('group-by').selectOption('model');
    await expect
      .poll(() => plotted(page, 'chart-requests'))
      .toEqual({
        [small]: perHour([1, 1, 1]),
        [large]: perHour([0, 1, 1]),
      });
    await page.getByTestId('group-by').selectOption('user');
    await expect
      .poll(() => plotted(page, 'chart-cost'))
      .toEqual({
        [u2]: perHour([0, 2_000_000, 1_000_000]),
        [u1]: perHour([1_500_000, 500_000, 0]),
        [u3]: perHour([0, 0, 250_000]),
      });
    expect(credentialsSent).toEqual([]);
    await page.close();
  }, 60_000);

  it('is the same page under npm run admin -- dashboard, which adds the credentials itself', async () => {
    const served = await startCliDashboard(['--url', stack().adminUrl], { ADMIN_TOKEN: stack().adminToken });
    try {
      const { page, credentialsSent } = await open(served.url);
      await expectThePlots(page);
      expect(credentialsSent).toEqual([]);
      const script = await (await fetch(served.url.replace(/\/dashboard$/, '/dashboard.js'))).text();
      expect(script).not.toContain(stack().adminToken);
      await page.close();
    } finally {
      await served.stop();
    }
  }, 90_000);

  it('answers its API only to this machine asking for itself by name', async () => {
    const ask = (host: string, remoteAddress: string) =>
      stack().app.inject({ method: 'GET', url: '/dashboard/api/rollups', headers: { host }, remoteAddress });
    expect((await ask('127.0.0.1:3000', '127.0.0.1')).statusCode).toBe(200);
    const rebound = await ask('evil.example:3000', '127.0.0.1');
    expect(rebound.statusCode).toBe(403);
    expect(rebound.body).not.toContain('topSpenders');
    expect((await ask('localhost:3000', '192.0.2.7')).statusCode).toBe(403);
  });
});
