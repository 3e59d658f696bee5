// Least-privilege roles: each function may call only the DynamoDB actions it uses, on
// only its tables and their indexes, and write only to its own log group.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import { tagsFor } from './tags.js';

export interface TableGrant {
  table: aws.dynamodb.Table;
  actions: string[];
  /** Also allow the actions on the table's indexes (Query on a GSI). */
  indexes?: boolean;
}

export interface RoleSpec {
  name: string;
  logGroup: aws.cloudwatch.LogGroup;
  tables: TableGrant[];
  secret?: aws.secretsmanager.Secret;
  settings: StackConfig;
}

export function functionRole(spec: RoleSpec): aws.iam.Role {
  const role = new aws.iam.Role(`${spec.name}-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
    tags: tagsFor(spec.settings, spec.name),
  });
  const statements = pulumi
    .all([spec.logGroup.arn, spec.secret?.arn, ...spec.tables.map((grant) => grant.table.arn)])
    .apply(([logGroupArn, secretArn, ...tableArns]) => [
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroupArn}:*`] },
      // X-Ray accepts no resource narrower than "*" for these two actions.
      { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] },
      ...spec.tables.map((grant, i) => ({
        Effect: 'Allow',
        Action: grant.actions.map((action) => `dynamodb:${action}`),
        Resource: grant.indexes ? [tableArns[i]!, `${tableArns[i]}/index/*`] : [tableArns[i]!],
      })),
      ...(secretArn ? [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secretArn] }] : []),
    ]);
  new aws.iam.RolePolicy(`${spec.name}-policy`, {
    role: role.id,
    policy: statements.apply((Statement) => JSON.stringify({ Version: '2012-10-17', Statement })),
  });
  return role;
}
