// What users care about in a deployed stack, asserted the same way for dev and prod.
import { expect } from 'vitest';
import type { ProgramRun } from './pulumi-program.js';
import { allViolations } from './policy-harness.js';
import { tableDefinitions } from '../../functions/throttle/table-definitions.js';
import { statementsOf } from '../../infra/policy/props.js';

export async function expectNoPolicyViolations(run: ProgramRun): Promise<void> {
  expect(await allViolations(run.resources.map((r) => ({ type: r.type, name: r.name, props: r.state })))).toEqual([]);
}

/** Table keys and indexes as the Pulumi program declares them equal what the store reads and writes. */
export function expectTablesMatchTheStore(run: ProgramRun): void {
  const declared = Object.fromEntries(
    run.ofType('aws:dynamodb/table:Table').map((t) => [t.inputs.tags.component, t.inputs]),
  );
  for (const definition of tableDefinitions({ tiers: 'tiers', credits: 'credits', sessions: 'sessions' })) {
    const table = declared[definition.TableName!]!;
    const keys = Object.fromEntries(definition.KeySchema!.map((k) => [k.KeyType, k.AttributeName]));
    expect({ hashKey: table.hashKey, rangeKey: table.rangeKey }).toEqual({ hashKey: keys.HASH, rangeKey: keys.RANGE });
    expect(new Set(table.attributes.map((a: { name: string; type: string }) => `${a.name}:${a.type}`))).toEqual(
      new Set(definition.AttributeDefinitions!.map((a) => `${a.AttributeName}:${a.AttributeType}`)),
    );
    const indexes = (table.globalSecondaryIndexes ?? [])
      .map((i: { name: string; hashKey: string; rangeKey?: string }) => `${i.name}:${i.hashKey}:${i.rangeKey ?? ''}`)
      .sort();
    const expected = (definition.GlobalSecondaryIndexes ?? [])
      .map((i) => {
        const k = Object.fromEntries(i.KeySchema!.map((s) => [s.KeyType, s.AttributeName]));
        return `${i.IndexName}:${k.HASH}:${k.RANGE ?? ''}`;
      })
      .sort();
    expect(indexes).toEqual(expected);
  }
}

/** Each role's DynamoDB grants name only this stack's tables (and their indexes). */
export function expectLeastPrivilege(run: ProgramRun): void {
  const tableArns = run.ofType('aws:dynamodb/table:Table').map((t) => t.state.arn as string);
  for (const policy of run.ofType('aws:iam/rolePolicy:RolePolicy')) {
    for (const statement of statementsOf(policy.inputs.policy)) {
      expect(statement.actions).not.toContain('*');
      if (statement.actions.some((a) => a.startsWith('dynamodb:'))) {
        for (const resource of statement.resources)
          expect(tableArns.some((arn) => resource === arn || resource === `${arn}/index/*`)).toBe(true);
        expect(statement.actions.every((a) => !a.endsWith(':*'))).toBe(true);
      }
    }
  }
}

export function expectNoSecretInPlainSight(run: ProgramRun, secretValues: string[]): void {
  for (const fn of run.ofType('aws:lambda/function:Function')) {
    const environment = JSON.stringify(fn.inputs.environment ?? {});
    for (const secret of secretValues) expect(environment).not.toContain(secret);
  }
}
