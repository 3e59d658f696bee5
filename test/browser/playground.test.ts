// The playground in a real browser against the local stack: streamed text, a tool that
// needs confirmation, and a throttle error in words a user understands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useLocalStack } from '../helpers/local-stack.js';
import { launchBrowser } from '../helpers/browser.js';
import { StoreFixtures, testCatalog, type testTier } from '../helpers/store-fixtures.js';
import { DynamoNotesStore } from '../../functions/tools/dynamo-tool-stores.js';

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

async function send(page: Page, text: string) {
  await page.getByTestId('input').fill(text);
  await page.getByTestId('send').click();
}

describe('playground', () => {
  it('streams an answer into the page as it is generated and shows the rate limit', async () => {
    const { page } = await openAs({ burst: 5 });
    await send(page, '60 words at 15 tokens per second');
    const answer = page.getByTestId('message-assistant').last();
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
    const answer = page.getByTestId('message-assistant').last();
    await expect.poll(async () => answer.textContent(), { timeout: 15_000 }).toContain('Tool saveNote returned:');
    expect(await page.getByTestId('tool').last().textContent()).toContain('saveNote: done');
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
    expect(await page.getByTestId('message-assistant').last().textContent()).toBe('w1 w2 w3 w4 w5');
    await page.close();
  }, 60_000);

  it('renders a refusal before streaming in words, with when to retry', async () => {
    const { page } = await openAs({ requestsPerHour: 1, burst: 1 });
    await send(page, '2 words');
    await expect
      .poll(async () => page.getByTestId('message-assistant').last().textContent(), { timeout: 15_000 })
      .toBe('w1 w2');
    await send(page, '2 words');
    const error = page.getByTestId('error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toMatch(
      /You have used all the requests your plan allows for now\. Try again in \d+ minutes\./,
    );
    expect(await page.getByTestId('limits').textContent()).toContain('0 of 1 requests left');
    await page.close();
  }, 60_000);
});
