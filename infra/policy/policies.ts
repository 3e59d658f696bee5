// Every policy of the pack. Constructing the PolicyPack (index.ts) starts its server, so
// tests and tools import the policies from here.
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { onlyStreamUrlIsPublic, prodCorsRestricted, streamUrlStreams } from './function-url-policies.js';
import {
  prodTablesProtected,
  sessionsExpire,
  tablesEncrypted,
  tablesOnDemand,
  tablesRecoverable,
} from './table-policies.js';
import { lambdaLogRetention, lambdaTimeoutBounded, streamConcurrencyCapped } from './lambda-policies.js';
import { noSecretsInEnvironment } from './environment-policies.js';
import { dynamoLeastPrivilege } from './iam-policies.js';
import { noWildcardIam } from './iam-wildcard-policies.js';
import { noAdminManagedPolicies } from './iam-managed-policies.js';
import { noPublicLambdaPermission } from './lambda-permission-policies.js';

export const resourcePolicies: ResourceValidationPolicy[] = [
  tablesRecoverable,
  tablesEncrypted,
  tablesOnDemand,
  prodTablesProtected,
  sessionsExpire,
  lambdaTimeoutBounded,
  streamConcurrencyCapped,
  noSecretsInEnvironment,
  dynamoLeastPrivilege,
  noWildcardIam,
  noAdminManagedPolicies,
];

export const stackPolicies: StackValidationPolicy[] = [
  streamUrlStreams,
  onlyStreamUrlIsPublic,
  prodCorsRestricted,
  lambdaLogRetention,
  noPublicLambdaPermission,
];

export const policies = [...resourcePolicies, ...stackPolicies];
