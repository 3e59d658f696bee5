// The stored model catalog: one item in the credits table, read with one GetItem (the
// chat function needs no other permission for it), replaced whole under an optimistic
// revision check, so two operators' edits never silently overwrite each other.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { modelCatalogSchema, type ModelCatalog } from '../shared/catalog.js';
import { catalogKey } from '../shared/keys.js';
import { expr, expressionInput } from '../throttle/dynamo/expression.js';
import { conditional, guarded } from '../throttle/dynamo/store-errors.js';

const storedCatalogSchema = z.object({
  models: modelCatalogSchema,
  /** Bumped by every change; a change names the revision it was made on. */
  rev: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
  updatedBy: z.string(),
});
export type StoredCatalog = z.infer<typeof storedCatalogSchema>;

export class DynamoCatalogStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(consistent = false): Promise<StoredCatalog | undefined> {
    const { Item } = await guarded(() =>
      this.db.send(new GetCommand({ TableName: this.table, Key: catalogKey, ConsistentRead: consistent })),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...stored } = Item;
    return storedCatalogSchema.parse(stored);
  }

  /** The stored models, for a CatalogSource. */
  async models(): Promise<ModelCatalog | undefined> {
    return (await this.get())?.models;
  }

  /** Writes the configured catalog if none is stored; an operator's catalog is kept. */
  async seed(models: ModelCatalog, now: number): Promise<boolean> {
    const item: StoredCatalog = { models, rev: 0, updatedAt: now, updatedBy: 'seed' };
    const written = await conditional(() =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...catalogKey, ...item },
          ...expressionInput({ condition: expr('attribute_not_exists(#pk)') }),
        }),
      ),
    );
    return written !== undefined;
  }

  /** Replaces the catalog if it is still at `rev` (absent counts as -1); false when someone changed it since. */
  async replace(models: ModelCatalog, rev: number, actor: string, now: number): Promise<StoredCatalog | undefined> {
    const item: StoredCatalog = { models, rev: rev + 1, updatedAt: now, updatedBy: actor };
    const condition = rev < 0 ? expr('attribute_not_exists(#pk)') : expr('#rev = :rev', { ':rev': rev });
    const written = await conditional(() =>
      this.db.send(
        new PutCommand({ TableName: this.table, Item: { ...catalogKey, ...item }, ...expressionInput({ condition }) }),
      ),
    );
    return written === undefined ? undefined : item;
  }
}
