// Lambda functions: logs kept for a set time, bounded timeouts, a concurrency cap on the
// chat stream, and no secrets in plain environment variables.
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { isStreamResource, resourceTypes } from './props.js';

export const maxLambdaTimeoutSeconds = 900;

export const lambdaLogRetention: StackValidationPolicy = {
  name: 'lambda-log-retention',
  description: 'Every Lambda function must log to a log group of this stack that has a retention period.',
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) => {
    const groups = new Map(
      args.resources.filter((r) => r.type === resourceTypes.logGroup).map((g) => [g.props.name as string, g]),
    );
    for (const fn of args.resources.filter((r) => r.type === resourceTypes.lambda)) {
      const groupName: string | undefined =
        fn.props.loggingConfig?.logGroup ?? (fn.props.name ? `/aws/lambda/${fn.props.name}` : undefined);
      const group = groupName ? groups.get(groupName) : undefined;
      if (!group)
        reportViolation(`Function ${fn.name} has no log group in this stack (logs would be kept forever).`, fn.urn);
      else if (!group.props.retentionInDays)
        reportViolation(`Log group ${groupName} of function ${fn.name} has no retentionInDays.`, group.urn);
    }
  },
};

export const lambdaTimeoutBounded: ResourceValidationPolicy = {
  name: 'lambda-timeout-bounds',
  description: `Lambda functions must set a timeout between 1 and ${maxLambdaTimeoutSeconds} seconds.`,
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== resourceTypes.lambda) return;
    const timeout = args.props.timeout;
    if (typeof timeout !== 'number' || timeout < 1 || timeout > maxLambdaTimeoutSeconds) {
      reportViolation(
        `Function ${args.name} has timeout ${timeout ?? 'unset (3 s default)'}; set it explicitly within 1-${maxLambdaTimeoutSeconds} s.`,
      );
    }
  },
};

export const streamConcurrencyCapped: ResourceValidationPolicy = {
  name: 'stream-reserved-concurrency',
  description: 'The chat stream function must set reserved concurrency, the global cap on parallel model spend.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== resourceTypes.lambda || !isStreamResource(args.name)) return;
    const reserved = args.props.reservedConcurrentExecutions;
    if (typeof reserved !== 'number' || reserved < 1)
      reportViolation(`Function ${args.name} has no reservedConcurrentExecutions; set a cap.`);
  },
};

/** A name with a word such as KEY, SECRET or TOKEN (OPENAI_API_KEY, JWT_SECRET), but not MAX_TOKENS. */
const secretLikeName = /(^|_)(KEY|APIKEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?)(_|$)/i;
/** Names that refer to a secret rather than hold one (SECRET_ARN, API_KEY_NAME). */
const referenceName = /_(ARN|NAME|ID|URL|TABLE)$/i;

export const noSecretsInEnvironment: ResourceValidationPolicy = {
  name: 'no-literal-secrets-in-env',
  description: 'Lambda environment variables must not hold secrets (keep them in Secrets Manager or SSM SecureString).',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== resourceTypes.lambda) return;
    const variables: Record<string, unknown> = args.props.environment?.variables ?? {};
    for (const [name, value] of Object.entries(variables)) {
      if (secretLikeName.test(name) && !referenceName.test(name) && typeof value === 'string' && value.length > 0) {
        reportViolation(
          `Function ${args.name} has a secret-looking environment variable ${name} with a literal value; store it in Secrets Manager and pass its ARN.`,
        );
      }
    }
  },
};
