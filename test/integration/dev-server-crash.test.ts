// SIGKILL of `npm run dev` in the middle of streams, then a restart on the same data:
// within a lease and a sweep interval every session is settled exactly once, every lease
// is free and each ledger sums to its balance.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevToken } from '../../local/dev-token.js';
import { startDev, type DevProcess } from '../helpers/dev-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'dev-crash-'));
const env = { LOCAL_DATA_DIR: dataDir, LOCAL_MODEL_TOKENS_PER_SECOND: '20', LOG_LEVEL: 'ERROR' };
let dev: DevProcess | undefined;

afterAll(async () => {
  await dev?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

const adminCall = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
  const token = readFileSync(join(dataDir, 'dev-admin-token'), 'utf8').trim();
  const response = await fetch(`${dev!.url}/admin${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as T;
};

interface Ledger {
  items: Array<{ type: string; amount: number; sessionId?: string }>;
  nextCursor?: string;
}
async function ledgerOf(userId: string) {
  const items: Ledger['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await adminCall<Ledger>(`/users/${userId}/ledger?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('a dev server killed mid-stream', () => {
  it('settles every session exactly once after a restart, frees every lease, balances every ledger', async () => {
    dev = await startDev(env);
    // A tier whose streams report every second: their leases lapse 3 s after the last report.
    await adminCall('/tiers/crashy', {
      method: 'PUT',
      body: {
        requestsPerHour: 100,
        burst: 10,
        maxTokensPerRequest: 2_000,
        concurrentStreams: 5,
        tokensPerMinute: 100_000,
        maxStreamSeconds: 120,
        allowedModels: ['local:*'],
        reportEverySeconds: 1,
        reportEveryTokens: 20,
      },
    });
    const users = ['crash-a', 'crash-b', 'crash-c'];
    for (const userId of users) await adminCall(`/users/${userId}/tier`, { method: 'PUT', body: { tier: 'crashy' } });
    const secret = readFileSync(join(dataDir, 'dev-jwt-secret'), 'utf8').trim();

    const readers = await Promise.all(
      users.map(async (userId) => {
        const response = await fetch(`${dev!.url}/api/ai/chat-stream?provider=local&model=local-small`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await signDevToken(secret, userId)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ messages: [{ role: 'user', content: '500 words at 20 tokens per second' }] }),
        });
        expect(response.status).toBe(200);
        const reader = response.body!.getReader();
        await reader.read(); // streaming has begun
        return reader;
      }),
    );
    // Wait until a report has recorded usage, then kill the whole server.
    await vi.waitFor(
      async () => {
        const account = await adminCall<{ openReservations: unknown[] }>(`/users/${users[0]}`);
        expect(account.openReservations).toHaveLength(1);
      },
      { timeout: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await dev.kill('SIGKILL');
    await Promise.all(readers.map((r) => r.read().catch(() => undefined)));

    dev = await startDev(env);
    for (const userId of users) {
      const settled = await vi.waitFor(
        async () => {
          const account = await adminCall<{
            reserved: number;
            openReservations: unknown[];
            balance: number;
            available: number;
          }>(`/users/${userId}`);
          expect(account.openReservations).toEqual([]);
          expect(account.reserved).toBe(0);
          const ledger = await ledgerOf(userId);
          expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(account.balance);
          return { account, ledger };
        },
        { timeout: 30_000, interval: 500 },
      );
      const charges = settled.ledger.filter((e) => e.type === 'charge');
      expect(charges).toHaveLength(1);
      expect(charges[0]!.amount).toBeLessThan(0); // it streamed, so it was charged
      const sessions = await adminCall<Array<{ status: string; endReason?: string }>>(`/users/${userId}/sessions`);
      expect(sessions).toEqual([expect.objectContaining({ status: 'settled', endReason: 'lease_expired' })]);
    }
  }, 120_000);
});
