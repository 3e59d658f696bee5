// The money invariants of DESIGN.md, checked on the store itself (never through the code
// under test): after every step the amounts agree; once projections are done the ledger
// agrees with the balance and every reservation resolved exactly once within its bounds.
import type { StoreFixtures } from '../helpers/store-fixtures.js';
import { reservedOf } from '../../functions/throttle/account.js';
import type { ScheduleWorld } from './fault-schedule.js';

/** After every step: available >= 0, balance >= 0, reserved == sum(open pending). */
export async function checkStepInvariants(
  fixtures: StoreFixtures,
  world: ScheduleWorld,
  seen: Set<string>,
): Promise<void> {
  for (const userId of world.users) {
    const account = await fixtures.account(userId);
    for (const sessionId of Object.keys(account.pending)) seen.add(`${userId}/${sessionId}`);
    if (account.available < 0) throw new Error(`${userId}: available ${account.available} < 0`);
    if (account.balance < 0) throw new Error(`${userId}: balance ${account.balance} < 0`);
    const reserved = reservedOf(account);
    if (account.balance - account.available !== reserved) {
      throw new Error(`${userId}: reserved ${account.balance - account.available} != sum(open pending) ${reserved}`);
    }
  }
}

/** At quiescence: nothing pending or unprojected, ledger == balance, each reservation charged once within bounds. */
export async function checkFinalInvariants(
  fixtures: StoreFixtures,
  world: ScheduleWorld,
  seen: Set<string>,
  bounds: { reportEveryTokens: number; maxPartTokens: number },
): Promise<void> {
  for (const userId of world.users) {
    const account = await fixtures.account(userId);
    if (Object.keys(account.pending).length) throw new Error(`${userId}: pending left ${Object.keys(account.pending)}`);
    if (Object.keys(account.outbox).length) throw new Error(`${userId}: outbox left ${Object.keys(account.outbox)}`);
    const ledger = await fixtures.ledger(userId);
    const sum = ledger.reduce((total, e) => total + e.amount, 0);
    if (sum !== account.balance) throw new Error(`${userId}: ledger sums to ${sum}, balance is ${account.balance}`);
    const charges = new Map<string, number>();
    for (const entry of ledger.filter((e) => e.type === 'charge')) {
      charges.set(entry.sessionId!, (charges.get(entry.sessionId!) ?? 0) + 1);
    }
    for (const [sessionId, count] of charges) {
      if (count !== 1) throw new Error(`${userId}/${sessionId}: charged ${count} times`);
    }
    for (const key of seen) {
      const [owner, sessionId] = key.split('/') as [string, string];
      if (owner === userId && !charges.has(sessionId)) throw new Error(`${key}: reservation never resolved`);
    }
    const grants = ledger.filter((e) => e.type === 'grant' && e.idempotencyKey);
    for (const entry of grants) {
      const applied = world.grants.get(`${userId}/${entry.idempotencyKey}`);
      if (grants.filter((g) => g.idempotencyKey === entry.idempotencyKey).length !== 1) {
        throw new Error(`${userId}: grant ${entry.idempotencyKey} in the ledger more than once`);
      }
      if (applied !== undefined && applied !== entry.amount) {
        throw new Error(`${userId}: grant ${entry.idempotencyKey} posted ${entry.amount}, applied ${applied}`);
      }
    }
  }
  // Every stream was charged no less than it sent and at most two report intervals (an interval and the
  // report-ahead lead, at most another) plus the part crossing them more.
  for (const record of world.streams) {
    const session = await fixtures.session(record.sessionId);
    if (!session) throw new Error(`${record.sessionId}: no session record`);
    const slack = 2 * bounds.reportEveryTokens + bounds.maxPartTokens;
    if (session.tokensOut < record.sent || session.tokensOut > record.sent + slack) {
      throw new Error(
        `${record.sessionId}: charged ${session.tokensOut} output tokens for ${record.sent} sent (${session.endReason})`,
      );
    }
    if (session.charged > session.reserved) throw new Error(`${record.sessionId}: charged more than reserved`);
  }
}
