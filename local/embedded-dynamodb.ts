// An embedded DynamoDB-compatible server (dynalite: pure npm, LevelDB in memory or on
// disk) on loopback, with the service's tables created.
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
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
        if (!(err instanceof ResourceInUseException)) throw err; // existing tables are kept
      }
    }
  } finally {
    client.destroy();
  }
}
