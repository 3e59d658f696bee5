// One Lambda function as this stack builds them all: bundled code, nodejs24.x on arm64,
// its own log group with retention, JSON logs, X-Ray tracing, and a role of its own.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import { tagsFor } from './tags.js';
import { functionRole, type TableGrant } from './iam.js';
import { lambdaNodeOptions } from './bundle.js';

export interface FunctionSpec {
  name: string;
  codeDirectory: string;
  settings: StackConfig;
  timeoutSeconds: number;
  memoryMb: number;
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  tables: TableGrant[];
  /** The function's own secret: its role may read it, and SECRETS_ARN names it. */
  secret?: aws.secretsmanager.Secret;
  reservedConcurrency?: number;
}

export function lambdaFunction(spec: FunctionSpec): aws.lambda.Function {
  const functionName = `${spec.name}-${pulumi.getStack()}`;
  const logGroup = new aws.cloudwatch.LogGroup(`${spec.name}-logs`, {
    name: `/aws/lambda/${functionName}`,
    retentionInDays: spec.settings.logRetentionDays,
    tags: tagsFor(spec.settings, spec.name),
  });
  const role = functionRole({
    name: spec.name,
    logGroup,
    tables: spec.tables,
    secret: spec.secret,
    settings: spec.settings,
  });
  return new aws.lambda.Function(
    spec.name,
    {
      name: functionName,
      runtime: aws.lambda.Runtime.NodeJS24dX,
      architectures: ['arm64'],
      handler: 'index.handler',
      code: new pulumi.asset.AssetArchive({ '.': new pulumi.asset.FileArchive(spec.codeDirectory) }),
      role: role.arn,
      timeout: spec.timeoutSeconds,
      memorySize: spec.memoryMb,
      reservedConcurrentExecutions: spec.reservedConcurrency,
      environment: {
        variables: pulumi.all([spec.environment, spec.secret?.arn]).apply(([variables, secretsArn]) => ({
          ...(lambdaNodeOptions ? { NODE_OPTIONS: lambdaNodeOptions } : {}),
          ...variables,
          ...(secretsArn ? { SECRETS_ARN: secretsArn } : {}),
        })),
      },
      loggingConfig: {
        logFormat: 'JSON',
        logGroup: logGroup.name,
        applicationLogLevel: 'INFO',
        systemLogLevel: 'WARN',
      },
      tracingConfig: { mode: 'Active' },
      tags: tagsFor(spec.settings, spec.name),
    },
    { dependsOn: [logGroup] },
  );
}
