// An embedded DynamoDB-compatible server (dynalite: pure npm, LevelDB in memory or on
// disk) on loopback, with the service's tables created.
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { createTableInputs, type TableNames } from '../functions/shared/tables.js';

export interface EmbeddedDynamo {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1. With `path`, data survives restarts on the same path. */
export async function startEmbeddedDynamo(options: { port?: number; path?: string } = {}): Promise<EmbeddedDynamo> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    // Requests in flight finish first (closing the store under them fails them); idle
    // keep-alive connections are closed by server.close itself.
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Local credentials: dynalite and DynamoDB Local accept any. */
export const localAwsCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export async function createTables(endpoint: string, names: TableNames, region = 'us-east-1'): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region, credentials: localAwsCredentials });
  try {
    for (const definition of createTableInputs(names)) {
      try {
        await client.send(new CreateTableCommand(definition));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err; // existing tables are kept...
        await addMissingIndexes(client, definition); // ...and get the indexes added since
      }
    }
  } finally {
    client.destroy();
  }
}

/** Adds the indexes a table made by an older version lacks (DynamoDB Local can; dynalite cannot, and says so). */
async function addMissingIndexes(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: definition.TableName,
          AttributeDefinitions: definition.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    } catch (err) {
      throw new Error(
        `table ${definition.TableName} lacks the index ${index.IndexName} and the store could not add it (${(err as Error).message}); start from a new data directory or recreate the table`,
      );
    }
  }
}
