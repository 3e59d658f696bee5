// The playground in a real browser against the local stack: streamed text, a tool that
// needs confirmation, and a throttle error in words a user understands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useLocalStack } from '../helpers/local-stack.js';
import { launchBrowser } from '../helpers/browser.js';
import { StoreFixtures, testCatalog, type testTier } from '../helpers/store-fixtures.js';
import { DynamoNotesStore } from '../../functions/tools/dynamo-tool-stores.js';
import { credits } from '../../local/credits-format.js';

const stack = useLocalStack({
  sweepIntervalMs: 0,
  playgroundTokens: true,
  environment: { MODEL_CATALOG: JSON.stringify(testCatalog), TIER_CACHE_MS: '0', SIGNUP_CREDITS: '0' },
});
let browser: Browser;
let store: StoreFixtures;
beforeAll(async () => {
  browser = await launchBrowser();
  store = new StoreFixtures(stack().dynamoEndpoint, stack().tables);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  store?.close();
});

async function openAs(tierOverrides: Parameters<typeof testTier>[1]): Promise<{ page: Page; userId: string }> {
  const { userId } = await store.userOnNewTier({ features: ['tool_execution'], ...tierOverrides });
  const page = await browser.newPage();
  await page.goto(`${stack().url}/?user=${userId}`);
  await page.getByTestId('input').waitFor();
  return { page, userId };
}

/** What the last answer says: its text and tool calls, without the notices and the cost around them. */
const lastAnswer = (page: Page) => page.getByTestId('message-assistant').last().getByTestId('message-content');

async function send(page: Page, text: string) {
  await page.getByTestId('input').fill(text);
  await page.getByTestId('send').click();
}

describe('playground', () => {
  it('streams an answer into the page as it is generated and shows the rate limit', async () => {
    const { page } = await openAs({ burst: 5 });
    await send(page, '60 words at 15 tokens per second');
    const answer = lastAnswer(page);
    // Part of the answer is on screen while the stream is still running.
    await expect.poll(async () => (await answer.textContent()) ?? '', { timeout: 15_000 }).toContain('w3');
    expect(await page.getByTestId('status').textContent()).toBe('streaming');
    await expect
      .poll(async () => answer.textContent(), { timeout: 15_000 })
      .toBe(Array.from({ length: 60 }, (_, i) => `w${i + 1}`).join(' '));
    expect(await page.getByTestId('limits').textContent()).toContain('4 of 5 requests left');
    await page.close();
  }, 60_000);

  it('asks before running a tool that needs confirmation, runs it once allowed, and continues', async () => {
    const { page, userId } = await openAs({});
    await send(page, 'call tool saveNote {"text":"from the browser"}');
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor({ timeout: 15_000 });
    expect(await dialog.textContent()).toContain('saveNote');
    expect(await new DynamoNotesStore(store.db, stack().tables.credits).list(userId)).toEqual([]);
    await page.getByTestId('approve').click();
    const answer = lastAnswer(page);
    await expect.poll(async () => answer.textContent(), { timeout: 15_000 }).toContain('Tool saveNote returned:');
    const tool = page.getByTestId('tool').last();
    expect(await tool.textContent()).toContain('saveNote: done');
    // The icon is drawn, not an emoji: nothing depends on an emoji font.
    expect(await tool.getByTestId('tool-icon').evaluate((icon) => icon.tagName.toLowerCase())).toBe('svg');
    expect(await tool.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(await new DynamoNotesStore(store.db, stack().tables.credits).list(userId)).toEqual([
      expect.objectContaining({ text: 'from the browser' }),
    ]);
    await page.close();
  }, 60_000);

  it('renders a throttle error in words, not codes', async () => {
    const { page } = await openAs({ maxTokensPerRequest: 10 }); // five words of two tokens
    await send(page, '30 words');
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toContain('This answer reached the longest answer your plan allows');
    expect(await lastAnswer(page).textContent()).toBe('w1 w2 w3 w4 w5');
    await page.close();
  }, 60_000);

  it('renders a refusal before streaming in words, with when to retry', async () => {
    const { page } = await openAs({ requestsPerHour: 1, burst: 1 });
    await send(page, '2 words');
    await expect.poll(async () => lastAnswer(page).textContent(), { timeout: 15_000 }).toBe('w1 w2');
    await send(page, '2 words');
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toMatch(
      /You have used all the requests your plan allows for now\. Try again in \d+ minutes\./,
    );
    expect(await page.getByTestId('limits').textContent()).toContain('0 of 1 requests left');
    await page.close();
  }, 60_000);

  it('shows balance, reserved credit while an answer streams, requests left, and what the answer cost', async () => {
    const { page, userId } = await openAs({ burst: 5, requestsPerHour: 5 }); // no refill within the test
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe(`Balance ${credits(1_000_000)}`);
    expect(await page.getByTestId('reserved').textContent()).toBe('reserved 0.00');
    await send(page, '40 words at 10 tokens per second');
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 15_000 }).toBe('streaming');
    await expect.poll(() => page.getByTestId('reserved').textContent(), { timeout: 15_000 }).not.toBe('reserved 0.00');

    const cost = page.getByTestId('answer-cost');
    await cost.waitFor({ timeout: 30_000 });
    const [session] = await store.sessions(userId);
    expect(Number(await cost.getAttribute('data-charged'))).toBe(session!.charged);
    expect(session!.charged).toBeGreaterThan(0);
    expect(await cost.textContent()).toContain(
      `cost ${credits(session!.charged)} · ${session!.tokensIn} in / 80 out tokens`,
    );
    expect(await page.getByTestId('balance').textContent()).toBe(`Balance ${credits(1_000_000 - session!.charged)}`);
    expect(await page.getByTestId('reserved').textContent()).toBe('reserved 0.00');
    expect(await page.getByTestId('requests-left').textContent()).toBe('4 of 5 requests left');
    await page.close();
  }, 60_000);

  it('says when an answer comes from a cheaper model than the one asked for', async () => {
    // local-large's worst case (100 output tokens at 20 per token) is more than the balance; local-small's is not.
    const { userId } = await store.userOnNewTier({ degradeTo: 'local:local-small', maxTokensPerRequest: 100 }, 1_000);
    const page = await browser.newPage();
    await page.goto(`${stack().url}/?user=${userId}`);
    await page.getByTestId('model').selectOption('local:local-large');
    await send(page, '3 words');
    const notice = page.getByTestId('notice');
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toBe(
      'Your balance does not cover local:local-large; this answer uses local:local-small.',
    );
    await page.getByTestId('answer-cost').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('answer-cost').textContent()).toContain('local:local-small');
    await page.close();
  }, 60_000);

  it('shows a budget warning the stream carries', async () => {
    const { page } = await openAs({});
    // The throttler's budget warning is another change in flight: until it lands, this test
    // adds the chunk its contract names to the real server's answer.
    await page.route('**/api/ai/chat-stream**', async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(
        /^(data: \{"type":"start"[^\n]*\n\n)/m,
        `$1data: ${JSON.stringify({
          type: 'data-budget-warning',
          data: { type: 'budget_warning', message: 'You have used 90% of your credits.' },
        })}\n\n`,
      );
      expect(body).toContain('data-budget-warning');
      await route.fulfill({ response, body });
    });
    await send(page, '3 words');
    const warning = page.getByTestId('budget-warning');
    await warning.waitFor({ timeout: 15_000 });
    expect(await warning.textContent()).toBe('You have used 90% of your credits.');
    expect(await lastAnswer(page).textContent()).toBe('w1 w2 w3');
    await page.close();
  }, 60_000);

  it("answers the account endpoint only with the token's own account", async () => {
    const { userId } = await store.userOnNewTier({});
    const url = `${stack().url}/playground/account`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe('unauthorized');
    const own = await fetch(url, { headers: { authorization: `Bearer ${await stack().token(userId)}` } });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ userId, account: { balance: 1_000_000, reserved: 0, answers: [] } });
  });
});
