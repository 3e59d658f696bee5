// Small builders for DynamoDB expressions, so conditions read as named rules
// (`bucketHasToken`, `leaseSlotFree`, `balanceCovers`) composed with `allOf`.
// Attribute names are always written `#name`; unless given explicitly, `#name` stands
// for the attribute `name`, which keeps reserved words out of the way.

export interface Expression {
  text: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

export function expr(
  text: string,
  values: Record<string, unknown> = {},
  names: Record<string, string> = {},
): Expression {
  const implicit = Object.fromEntries([...text.matchAll(/#(\w+)/g)].map(([placeholder, name]) => [placeholder, name!]));
  return { text, names: { ...implicit, ...names }, values };
}

function merge(parts: Expression[], join: (texts: string[]) => string): Expression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part.names)) {
      if (key in names && names[key] !== value) throw new Error(`expression name ${key} bound twice`);
      names[key] = value;
    }
    for (const [key, value] of Object.entries(part.values)) {
      if (key in values && values[key] !== value) throw new Error(`expression value ${key} bound twice`);
      values[key] = value;
    }
  }
  return { text: join(parts.map((p) => p.text)), names, values };
}

export const allOf = (...conditions: Expression[]): Expression =>
  merge(conditions, (texts) => texts.map((t) => `(${t})`).join(' AND '));
export const anyOf = (...conditions: Expression[]): Expression =>
  merge(conditions, (texts) => texts.map((t) => `(${t})`).join(' OR '));

/** Builds an UpdateExpression from SET and REMOVE actions. */
export function update(actions: { set?: Expression[]; remove?: Expression[] }): Expression {
  const set = actions.set?.length ? merge(actions.set, (t) => `SET ${t.join(', ')}`) : undefined;
  const remove = actions.remove?.length ? merge(actions.remove, (t) => `REMOVE ${t.join(', ')}`) : undefined;
  return merge(
    [set, remove].filter((e): e is Expression => e !== undefined),
    (t) => t.join(' '),
  );
}

/** The command fields for a condition and/or update expression. */
export function expressionInput(options: { condition?: Expression; update?: Expression }) {
  const parts = [options.condition, options.update].filter((e): e is Expression => e !== undefined);
  const merged = merge(parts, () => '');
  return {
    ...(options.condition ? { ConditionExpression: options.condition.text } : {}),
    ...(options.update ? { UpdateExpression: options.update.text } : {}),
    ...(Object.keys(merged.names).length ? { ExpressionAttributeNames: merged.names } : {}),
    ...(Object.keys(merged.values).length ? { ExpressionAttributeValues: merged.values } : {}),
  };
}
