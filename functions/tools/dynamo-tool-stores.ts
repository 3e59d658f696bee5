// Tool state in the credits table, in the user's partition: tool runs (TOOLRUN#<callId>)
// and the demo notes (NOTE#<id>).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ToolRunStore } from './tool-runs.js';
import { noteKey, notePrefix, toolRunKey, userPartition } from '../shared/keys.js';

export class DynamoToolRunStore implements ToolRunStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(userId: string, toolCallId: string, toolName: string, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...toolRunKey(userId, toolCallId), toolName, status: 'running', claimedAt: now },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async complete(userId: string, toolCallId: string, output: unknown, now: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: toolRunKey(userId, toolCallId),
        UpdateExpression: 'SET #status = :done, #output = :output, completedAt = :now',
        ExpressionAttributeNames: { '#status': 'status', '#output': 'output' },
        ExpressionAttributeValues: { ':done': 'done', ':output': JSON.stringify(output ?? null), ':now': now },
      }),
    );
  }

  async outputOf(userId: string, toolCallId: string): Promise<{ output: unknown } | 'in_progress' | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: toolRunKey(userId, toolCallId),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return Item.status === 'done' ? { output: JSON.parse(Item.output as string) as unknown } : 'in_progress';
  }
}

export interface Note {
  noteId: string;
  text: string;
  createdAt: number;
}

export class DynamoNotesStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async save(userId: string, note: Note): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...noteKey(userId, note.noteId), ...note } }));
  }

  async list(userId: string): Promise<Note[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': userPartition(userId), ':note': notePrefix },
      }),
    );
    return (Items ?? []).map(({ noteId, text, createdAt }) => ({ noteId, text, createdAt }) as Note);
  }
}
