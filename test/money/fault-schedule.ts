// A randomized schedule of everything that can happen to money: admissions from several
// Lambda containers, streams that send parts and report, settlements, disconnects,
// crashes, the sweeper (racing late settlements), grants with reused keys, tier changes,
// and faults at each container's DynamoDB client (crash before/after a request, a lost
// answer, throttling, duplicate delivery, partial batches). It drives the real throttle
// code against a real DynamoDB-compatible server; the caller checks invariants after every
// step and at the end. Shared by the short run in `npm test` and the long soak.
import fc from 'fast-check';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { accountKey } from '../../functions/shared/keys.js';
import type { StreamPart } from '../../functions/chat/stream-gate.js';
import type { AdmittedStream } from '../../functions/chat/stream-gate.js';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import { DynamoThrottleStore } from '../../functions/throttle/dynamo/dynamo-throttle-store.js';
import type { StreamingThrottler } from '../../functions/throttle/streaming-throttler.js';
import { sweep } from '../../functions/throttle/sweeper.js';
import type { TableNames } from '../../functions/shared/tables.js';
import { localAwsCredentials } from '../../local/embedded-dynamodb.js';
import { type Fault, injectFaults, type FaultInjector } from '../helpers/dynamo-faults.js';
import { testCatalog } from '../helpers/store-fixtures.js';
import { localAdmission, testThrottler } from '../helpers/test-throttler.js';

export const reportEveryTokens = 20;
export const maxPartTokens = 30;

export type Step =
  | { kind: 'admit'; user: number; container: number }
  | { kind: 'send'; stream: number; parts: number[] }
  | { kind: 'finish'; stream: number; exit: 'completed' | 'client_disconnect' }
  | { kind: 'fault'; container: number; fault: Fault; command: string }
  | { kind: 'crash'; container: number }
  | { kind: 'sweep'; faulty: boolean }
  | { kind: 'advance'; ms: number }
  | { kind: 'grant'; user: number; key: number; amount: number; container: number }
  | { kind: 'tier'; user: number; tier: number };

const commands = ['UpdateItemCommand', 'GetItemCommand', 'BatchWriteItemCommand', 'PutItemCommand'];
const faults: Fault[] = ['crash-before', 'crash-after', 'lose-response', 'throttle', 'duplicate', 'unprocessed'];

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 7,
    // Mostly one user, so containers' cached views of the same account go stale against each other.
    arbitrary: fc.record({
      kind: fc.constant('admit' as const),
      user: fc.constantFrom(0, 0, 0, 1),
      container: fc.nat(2),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      stream: fc.nat(9),
      parts: fc.array(fc.integer({ min: 1, max: maxPartTokens }), { minLength: 1, maxLength: 5 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      stream: fc.nat(9),
      exit: fc.constantFrom('completed' as const, 'client_disconnect' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      container: fc.nat(2),
      fault: fc.constantFrom(...faults),
      command: fc.constantFrom(...commands),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), container: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sweep' as const), faulty: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 400_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('grant' as const),
      user: fc.nat(1),
      key: fc.nat(3),
      amount: fc.integer({ min: -3_000, max: 5_000 }).filter((n) => n !== 0),
      container: fc.nat(2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tier' as const), user: fc.nat(1), tier: fc.nat(1) }) },
);

/** What the test knows of an admitted stream: its tokens sent to the client, for the billing bounds. */
interface StreamRecord {
  userId: string;
  sessionId: string;
  container: Container;
  stream: AdmittedStream;
  writer: WritableStreamDefaultWriter<StreamPart>;
  sent: number;
  ended: boolean;
}

interface Container {
  throttler: StreamingThrottler;
  store: DynamoThrottleStore;
  faults: FaultInjector;
  dead: boolean;
  destroy(): void;
}

export interface ScheduleWorld {
  users: string[];
  tiers: string[];
  now: number;
  streams: StreamRecord[];
  /** Grant keys as applied first: key -> amount. */
  grants: Map<string, number>;
  run(step: Step): Promise<void>;
  /** Finishes live streams (no faults), lets every lease lapse and sweeps until nothing is left. */
  quiesce(): Promise<void>;
  close(): void;
}

export function createWorld(endpoint: string, tables: TableNames, users: string[], tiers: string[]): ScheduleWorld {
  const world: ScheduleWorld = {
    users,
    tiers,
    now: Date.now(),
    streams: [],
    grants: new Map(),
    run: (step) => run(step),
    quiesce: () => quiesce(),
    close: () => {
      for (const c of [...containers, ...retired]) c.destroy();
      cleanDb.destroy();
    },
  };
  const clock = () => world.now;
  const cleanDb = createDocumentClient({ region: 'us-east-1', endpoint, credentials: localAwsCredentials });
  const cleanStore = new DynamoThrottleStore(cleanDb, tables);
  const retired: Container[] = [];

  const newContainer = (): Container => {
    const db = createDocumentClient({ region: 'us-east-1', endpoint, credentials: localAwsCredentials });
    const store = new DynamoThrottleStore(db, tables);
    return {
      throttler: testThrottler({
        store,
        defaultTier: tiers[0]!,
        admissionBudgetMs: 2_000,
        clock,
      }),
      store,
      faults: injectFaults(db),
      dead: false,
      destroy: () => db.destroy(),
    };
  };
  const containers = [newContainer(), newContainer(), newContainer()];
  const faultyStore = newContainer();

  /** A container whose client crashed is a dead Lambda: it never sends again; a new one takes its place. */
  const alive = (index: number): Container => {
    const container = containers[index]!;
    if (!container.faults.crashed) return container;
    container.dead = true;
    retired.push(container);
    const fresh = newContainer();
    containers[index] = fresh;
    return fresh;
  };

  async function feed(record: StreamRecord, tokens: number[]): Promise<void> {
    for (const count of tokens) {
      if (record.ended || record.container.faults.crashed) return;
      await record.writer.write({ type: 'text-delta', id: '0', text: ' w'.repeat(count) }).catch(() => {
        record.ended = true; // the monitor stopped the stream
      });
      await new Promise((resolve) => setImmediate(resolve)); // let the reader take what went out
    }
  }

  async function admit(userIndex: number, containerIndex: number): Promise<void> {
    const container = alive(containerIndex);
    const userId = users[userIndex]!;
    let stream: AdmittedStream;
    try {
      stream = await container.throttler.admit(localAdmission(userId));
    } catch {
      return; // refused, or the store failed: both are fine for money
    }
    const monitor = stream.monitor(() => undefined);
    const record: StreamRecord = {
      userId,
      sessionId: stream.sessionId,
      container,
      stream,
      writer: monitor.writable.getWriter(),
      sent: 0,
      ended: false,
    };
    // The client: counts the tokens of every text part that went out.
    void (async () => {
      const reader = monitor.readable.getReader();
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (done) break;
        if (value.type === 'text-delta') record.sent += value.text.length / 2;
        if (value.type === 'error') record.ended = true;
      }
    })();
    world.streams.push(record);
  }

  async function finish(record: StreamRecord, exit: 'completed' | 'client_disconnect'): Promise<void> {
    if (record.container.faults.crashed) return;
    record.ended = true;
    await record.writer.close().catch(() => undefined);
    await record.stream.finish(exit).catch(() => undefined);
  }

  async function run(step: Step): Promise<void> {
    const live = world.streams.filter((s) => !s.ended && !s.container.faults.crashed);
    switch (step.kind) {
      case 'admit':
        return admit(step.user, step.container);
      case 'send': {
        const record = live[step.stream % Math.max(1, live.length)];
        if (record) await feed(record, step.parts);
        return;
      }
      case 'finish': {
        const unfinished = world.streams.filter((s) => !s.container.faults.crashed && !s.ended);
        const record = unfinished[step.stream % Math.max(1, unfinished.length)];
        if (record) await finish(record, step.exit);
        return;
      }
      case 'fault':
        alive(step.container).faults.inject(step.fault, step.command);
        return;
      case 'crash':
        containers[step.container]!.faults.crashNow();
        alive(step.container);
        return;
      case 'sweep': {
        const store = step.faulty ? faultyStore.store : cleanStore;
        await sweep(store, testCatalog, world.now).catch(() => undefined);
        if (faultyStore.faults.crashed) faultyStore.faults.revive();
        return;
      }
      case 'advance':
        world.now += step.ms;
        return;
      case 'grant': {
        const container = alive(step.container);
        const key = `k${step.key}`;
        try {
          const result = await container.store.grant(
            users[step.user]!,
            { amount: step.amount, key, reason: 'schedule', actor: 'test', forget: [] },
            world.now,
          );
          if (result.outcome === 'applied') {
            world.grants.set(`${users[step.user]}/${key}`, step.amount);
            await container.store.project(users[step.user]!, [result.movement]);
          }
        } catch {
          // the store failed; a grant that applied anyway is found in the account
        }
        return;
      }
      case 'tier':
        // As the admin API assigns a tier: one write, not a money movement.
        await cleanDb.send(
          new UpdateCommand({
            TableName: tables.credits,
            Key: accountKey(users[step.user]!),
            UpdateExpression: 'SET #tier = :tier',
            ExpressionAttributeNames: { '#tier': 'tier' },
            ExpressionAttributeValues: { ':tier': tiers[step.tier]! },
          }),
        );
        return;
    }
  }

  async function quiesce(): Promise<void> {
    for (const c of containers) c.faults.clear();
    for (const record of world.streams)
      if (!record.ended && !record.container.faults.crashed) await finish(record, 'completed');
    world.now += 10 * 60_000; // past every lease and hard expiry
    await sweep(cleanStore, testCatalog, world.now);
    await sweep(cleanStore, testCatalog, world.now);
  }

  return world;
}
