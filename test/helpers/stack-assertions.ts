// What users care about in a deployed stack, asserted the same way for dev and prod.
import { expect } from 'vitest';
import type { ProgramRun, RegisteredResource } from './pulumi-program.js';
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

/**
 * No secret value appears in plain text anywhere the engine keeps it readable: in no
 * resource input that is not marked secret (Lambda environments included) and in no
 * stack output.
 */
export function expectNoSecretInPlainSight(run: ProgramRun, secretValues: string[]): void {
  expect(secretValues.length).toBeGreaterThan(0);
  for (const resource of run.resources) {
    for (const [key, value] of Object.entries(resource.inputs)) {
      if (resource.secretInputs.includes(key)) continue;
      const text = JSON.stringify(value ?? null);
      for (const secret of secretValues)
        expect(text, `${resource.type} ${resource.name}.${key} holds a secret in plain text`).not.toContain(secret);
    }
  }
  const outputs = JSON.stringify(run.outputs);
  for (const secret of secretValues) expect(outputs).not.toContain(secret);
}

/** The secret document a function's secret holds (its SecretVersion, stored as a Pulumi secret). */
export function secretDocumentOf(run: ProgramRun, secret: RegisteredResource): Record<string, string> {
  const version = run
    .ofType('aws:secretsmanager/secretVersion:SecretVersion')
    .find((v) => v.inputs.secretId === `${secret.name}-id`);
  expect(version, `no value for secret ${secret.name}`).toBeDefined();
  expect(version!.secretInputs).toContain('secretString');
  return JSON.parse(version!.inputs.secretString);
}

/**
 * Each function reads exactly its own secret (or none): its role may GetSecretValue on that
 * ARN and no other, and SECRETS_ARN names it.
 */
export function expectEachFunctionReadsOnlyItsSecret(
  run: ProgramRun,
  secretOf: Record<'chat-stream' | 'admin-api' | 'sweeper', string | undefined>,
): void {
  for (const [component, secretName] of Object.entries(secretOf)) {
    const secretArn = secretName ? run.named(secretName).state.arn : undefined;
    const grants = statementsOf(run.named(`${component}-policy`).inputs.policy).filter((s) =>
      s.actions.some((a) => a.startsWith('secretsmanager:')),
    );
    expect(
      grants.map((s) => ({ actions: s.actions, resources: s.resources })),
      `${component} reads secrets`,
    ).toEqual(secretArn ? [{ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }] : []);
    expect(run.named(component).inputs.environment.variables.SECRETS_ARN).toBe(secretArn);
  }
  const secrets = run.ofType('aws:secretsmanager/secret:Secret');
  expect(secrets.map((s) => s.name).sort()).toEqual(Object.values(secretOf).filter(Boolean).sort());
}

/**
 * Operators may call the admin function through its AWS_IAM URL only: InvokeFunctionUrl
 * for an IAM-authenticated URL, and InvokeFunction only when it came through a function
 * URL, so nobody can invoke it directly with a forged `requestContext.authorizer.iam`.
 */
export function expectAdminInvokableOnlyThroughUrl(run: ProgramRun): void {
  expect(run.named('admin-api-url').inputs.authorizationType).toBe('AWS_IAM');
  const adminArn = run.named('admin-api').state.arn;
  const statements = statementsOf(run.named('admin-api-invoke').inputs.policy);
  expect(statements).toEqual([
    {
      effect: 'Allow',
      actions: ['lambda:InvokeFunctionUrl'],
      resources: [adminArn],
      condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } },
    },
    {
      effect: 'Allow',
      actions: ['lambda:InvokeFunction'],
      resources: [adminArn],
      condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    },
  ]);
}
