// Lambda functions: logs kept for a set time, bounded timeouts, and a concurrency cap on
// the chat stream (recognised by its component tag).
import * as aws from '@pulumi/aws';
import { type ResourceValidationPolicy, type StackValidationPolicy, validateResourceOfType } from '@pulumi/policy';
import { isStreamComponent } from './props.js';

const maxLambdaTimeoutSeconds = 900;

export const lambdaLogRetention: StackValidationPolicy = {
  name: 'lambda-log-retention',
  description: 'Every Lambda function must log to a log group of this stack that has a retention period.',
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) => {
    const groups = new Map(
      args.resources.flatMap((r) => {
        const group = r.asType(aws.cloudwatch.LogGroup);
        return group ? [[group.name, { urn: r.urn, retentionInDays: group.retentionInDays }] as const] : [];
      }),
    );
    for (const resource of args.resources) {
      const fn = resource.asType(aws.lambda.Function);
      if (!fn) continue;
      const groupName = fn.loggingConfig?.logGroup ?? (fn.name ? `/aws/lambda/${fn.name}` : undefined);
      const group = groupName ? groups.get(groupName) : undefined;
      if (!group)
        reportViolation(
          `Function ${resource.name} has no log group in this stack (logs would be kept forever).`,
          resource.urn,
        );
      else if (!group.retentionInDays)
        reportViolation(`Log group ${groupName} of function ${resource.name} has no retentionInDays.`, group.urn);
    }
  },
};

export const lambdaTimeoutBounded: ResourceValidationPolicy = {
  name: 'lambda-timeout-bounds',
  description: `Lambda functions must set a timeout between 1 and ${maxLambdaTimeoutSeconds} seconds.`,
  enforcementLevel: 'mandatory',
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
    const timeout = fn.timeout;
    if (typeof timeout !== 'number' || timeout < 1 || timeout > maxLambdaTimeoutSeconds) {
      reportViolation(
        `Function ${args.name} has timeout ${timeout ?? 'unset (3 s default)'}; set it explicitly within 1-${maxLambdaTimeoutSeconds} s.`,
      );
    }
  }),
};

export const streamConcurrencyCapped: ResourceValidationPolicy = {
  name: 'stream-reserved-concurrency',
  description:
    'The chat stream function (tagged component=chat-stream) must set reserved concurrency, the global cap on parallel model spend.',
  enforcementLevel: 'mandatory',
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
    if (!isStreamComponent(fn.tags)) return;
    const reserved = fn.reservedConcurrentExecutions;
    if (typeof reserved !== 'number' || reserved < 1)
      reportViolation(`Function ${args.name} has no reservedConcurrentExecutions; set a cap.`);
  }),
};
