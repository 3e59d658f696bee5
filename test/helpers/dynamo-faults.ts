// Faults injected at the DynamoDB client boundary, as a client middleware, so the real
// store code runs against a real server while requests crash, lose their answers, come
// back partly unprocessed, get throttled or arrive twice. Faults are queued per command
// (e.g. 'UpdateItemCommand') and each applies to the next matching request.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type Fault =
  /** The Lambda dies before this request leaves: it never reaches the store. */
  | 'crash-before'
  /** The request is applied, then the Lambda dies before it sees the answer. */
  | 'crash-after'
  /** The request is applied but its answer is lost; the SDK-level caller sees an error. */
  | 'lose-response'
  /** The store throttles the request (after the SDK's own retries). */
  | 'throttle'
  /** The request is delivered twice (e.g. a retried request after a lost answer). */
  | 'duplicate'
  /** A BatchWrite comes back with all but its first item unprocessed. */
  | 'unprocessed';

/** The process (Lambda) this client belongs to died: everything after must stop. */
class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

class ThrottlingException extends Error {
  override name = 'ThrottlingException';
}

export interface FaultInjector {
  /** Queues a fault for the next request of `command` (any command when omitted). */
  inject(fault: Fault, command?: string): void;
  /** True once a crash fault fired: the client is a dead Lambda's and sends nothing more. */
  readonly crashed: boolean;
  crashNow(): void;
  /** A new invocation of the same function (e.g. the sweeper's next scheduled run). */
  revive(): void;
  /** Requests sent to the server, by command (duplicates and partial batches count). */
  sent: Map<string, number>;
  clear(): void;
}

export function injectFaults(db: DynamoDBDocumentClient): FaultInjector {
  const queue: Array<{ fault: Fault; command?: string }> = [];
  const sent = new Map<string, number>();
  let crashed = false;
  const count = (command: string) => sent.set(command, (sent.get(command) ?? 0) + 1);
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      if (crashed) throw new SimulatedCrash(`dead before ${command}`);
      const index = queue.findIndex((q) => q.command === undefined || q.command === command);
      const planned = index >= 0 ? queue.splice(index, 1)[0]!.fault : undefined;
      switch (planned) {
        case 'crash-before':
          crashed = true;
          throw new SimulatedCrash(`crashed before ${command}`);
        case 'throttle':
          throw new ThrottlingException(`throttled ${command}`);
        case 'crash-after':
        case 'lose-response':
          count(command);
          await next(args);
          if (planned === 'lose-response') throw new Error(`answer of ${command} lost`);
          crashed = true;
          throw new SimulatedCrash(`crashed after ${command}`);
        case 'duplicate':
          count(command);
          await next(args).catch(() => undefined);
          count(command);
          return next(args);
        case 'unprocessed': {
          const input = args.input as { RequestItems?: Record<string, unknown[]> };
          if (!input.RequestItems) break;
          const entries = Object.entries(input.RequestItems).flatMap(([table, items]) =>
            items.map((item) => [table, item] as const),
          );
          const [first, ...rest] = entries;
          if (!first) break;
          count(command);
          await next({ ...args, input: { ...input, RequestItems: { [first[0]]: [first[1]] } } });
          const unprocessed: Record<string, unknown[]> = {};
          for (const [table, item] of rest) unprocessed[table] = [...(unprocessed[table] ?? []), item];
          return { output: { UnprocessedItems: unprocessed, $metadata: {} }, response: {} } as never;
        }
        default:
          break;
      }
      count(command);
      return next(args);
    },
    { step: 'initialize', name: 'faultInjection' },
  );
  return {
    inject: (fault, command) => queue.push({ fault, command }),
    get crashed() {
      return crashed;
    },
    crashNow: () => {
      crashed = true;
    },
    revive: () => {
      crashed = false;
    },
    sent,
    clear: () => {
      queue.length = 0;
      sent.clear();
      crashed = false;
    },
  };
}
