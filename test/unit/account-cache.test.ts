import { describe, expect, it } from 'vitest';
import type { Account } from '../../functions/throttle/account.js';
import { AccountCache, maxCachedAccounts } from '../../functions/throttle/account-cache.js';

// The cache only keys by user; the rest of the account does not matter here.
const account = (userId: string) => ({ userId }) as Account;
const user = (i: number) => `user-${i}`;

describe('account cache', () => {
  it('keeps at most the bound of accounts, forgetting the least recently written first', () => {
    const cache = new AccountCache();
    for (let i = 0; i <= maxCachedAccounts; i++) cache.remember(account(user(i)));
    expect(cache.get(user(0))).toBeUndefined();
    expect(cache.get(user(1))?.userId).toBe(user(1));
    expect(cache.get(user(maxCachedAccounts))?.userId).toBe(user(maxCachedAccounts));
  });

  it('counts a new write on an account as recent use', () => {
    const cache = new AccountCache();
    for (let i = 0; i < maxCachedAccounts; i++) cache.remember(account(user(i)));
    cache.remember(account(user(0)));
    cache.remember(account(user(maxCachedAccounts)));
    expect(cache.get(user(0))?.userId).toBe(user(0));
    expect(cache.get(user(1))).toBeUndefined();
  });

  it('keeps projected movements for at most the bound of users', () => {
    const cache = new AccountCache();
    for (let i = 0; i <= maxCachedAccounts; i++) cache.markProjected(user(i), `movement-${i}`);
    expect(cache.toDrop(user(0))).toEqual([]);
    expect(cache.toDrop(user(maxCachedAccounts))).toEqual([`movement-${maxCachedAccounts}`]);
  });
});
