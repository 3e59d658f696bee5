// DynamoDB tables: recoverable, encrypted, on-demand, protected in production, and the
// sessions table expires settled sessions.
import * as aws from '@pulumi/aws';
import { type ResourceValidationPolicy, validateResourceOfType } from '@pulumi/policy';
import type { Unwrap } from '@pulumi/pulumi';
import { componentOf, isProdTagged } from './props.js';

type TableProps = Unwrap<aws.dynamodb.TableArgs>;

function tablePolicy(
  name: string,
  description: string,
  check: (table: TableProps, tableName: string) => string | undefined,
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: 'mandatory',
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, args, reportViolation) => {
      const problem = check(table, args.name);
      if (problem) reportViolation(problem);
    }),
  };
}

export const tablesRecoverable = tablePolicy(
  'tables-point-in-time-recovery',
  'DynamoDB tables must have point-in-time recovery.',
  (props, name) =>
    props.pointInTimeRecovery?.enabled === true
      ? undefined
      : `Table ${name} has no point-in-time recovery; set pointInTimeRecovery.enabled.`,
);

export const tablesEncrypted = tablePolicy(
  'tables-encrypted',
  'DynamoDB tables must enable server-side encryption explicitly.',
  (props, name) =>
    props.serverSideEncryption?.enabled === true ? undefined : `Table ${name} does not enable serverSideEncryption.`,
);

export const tablesOnDemand = tablePolicy(
  'tables-on-demand',
  'DynamoDB tables must bill per request (no capacity to exhaust under a burst).',
  (props, name) =>
    props.billingMode === 'PAY_PER_REQUEST'
      ? undefined
      : `Table ${name} uses billingMode ${props.billingMode ?? 'PROVISIONED'}; use PAY_PER_REQUEST.`,
);

export const prodTablesProtected = tablePolicy(
  'prod-tables-deletion-protection',
  'Production DynamoDB tables must have deletion protection.',
  (props, name) =>
    !isProdTagged(props) || props.deletionProtectionEnabled === true
      ? undefined
      : `Table ${name} is in a production stack without deletionProtectionEnabled.`,
);

export const sessionsExpire = tablePolicy(
  'sessions-ttl',
  'The sessions table must expire items with TTL.',
  (props, name) =>
    componentOf(props.tags) !== 'sessions' || (props.ttl?.enabled === true && props.ttl?.attributeName)
      ? undefined
      : `Table ${name} holds sessions but has no TTL; enable ttl on expiresAt.`,
);
