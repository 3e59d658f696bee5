// A DynamoDB-compatible store for tests that drive the throttle store directly, once per
// test file: the embedded one, or DYNAMODB_ENDPOINT's (e.g. AWS's DynamoDB Local), with
// tables of the file's own, fixtures to set it up and read it back, and a document client
// built as the service builds it. Its parts are there from the file's first hook on.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createTables,
  localAwsCredentials,
  startEmbeddedDynamo,
  type EmbeddedDynamo,
} from '../../local/embedded-dynamodb.js';
import { createDocumentClient } from '../../functions/throttle/dynamo/dynamo-client.js';
import type { TableNames } from '../../functions/shared/tables.js';
import { StoreFixtures } from './store-fixtures.js';

export interface TestStore {
  readonly tables: TableNames;
  readonly endpoint: string;
  readonly db: DynamoDBDocumentClient;
  readonly fixtures: StoreFixtures;
}

export function useTestStore(): TestStore {
  const suffix = randomUUID().slice(0, 8);
  const tables = { tiers: `tiers-${suffix}`, credits: `credits-${suffix}`, sessions: `sessions-${suffix}` };
  let embedded: EmbeddedDynamo | undefined;
  let started: Omit<TestStore, 'tables'> | undefined;
  beforeAll(async () => {
    embedded = process.env.DYNAMODB_ENDPOINT ? undefined : await startEmbeddedDynamo();
    const endpoint = process.env.DYNAMODB_ENDPOINT ?? embedded!.endpoint;
    await createTables(endpoint, tables);
    started = {
      endpoint,
      db: createDocumentClient({ region: 'us-east-1', endpoint, credentials: localAwsCredentials }),
      fixtures: new StoreFixtures(endpoint, tables),
    };
  });
  afterAll(async () => {
    started?.db.destroy();
    started?.fixtures.close();
    await embedded?.close();
  });
  const get = () => {
    if (!started) throw new Error('the test store is not started yet (use it in a hook or a test)');
    return started;
  };
  return {
    tables,
    get endpoint() {
      return get().endpoint;
    },
    get db() {
      return get().db;
    },
    get fixtures() {
      return get().fixtures;
    },
  };
}

/** Fixtures on the store of a stack the file started (`useLocalStack`, `useInstrumentedStack`). */
export function useStackFixtures(stack: () => { dynamoEndpoint: string; tables: TableNames }): () => StoreFixtures {
  let fixtures: StoreFixtures | undefined;
  beforeAll(() => {
    fixtures = new StoreFixtures(stack().dynamoEndpoint, stack().tables);
  });
  afterAll(() => fixtures?.close());
  return () => {
    if (!fixtures) throw new Error('the stack fixtures are not there yet (use them in a hook or a test)');
    return fixtures;
  };
}
