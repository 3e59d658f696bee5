// What users care about in a deployed stack, asserted the same way for dev and prod.
import { expect } from 'vitest';
import type { ProgramRun } from './pulumi-program.js';
import { allViolations } from './policy-harness.js';
import { statementsOf } from '../../infra/policy/props.js';

export async function expectNoPolicyViolations(run: ProgramRun): Promise<void> {
  expect(await allViolations(run.resources.map((r) => ({ type: r.type, name: r.name, props: r.state })))).toEqual([]);
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
