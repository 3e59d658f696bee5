// Every policy of the pack. Constructing the PolicyPack (index.ts) starts its server, so
// tests and tools import the policies from here.
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { onlyStreamIsPublic, prodCorsRestricted, streamUrlStreams } from './function-url-policies.js';
import {
  prodTablesProtected,
  sessionsExpire,
  tablesEncrypted,
  tablesOnDemand,
  tablesRecoverable,
} from './table-policies.js';
import {
  lambdaLogRetention,
  lambdaTimeoutBounded,
  noSecretsInEnvironment,
  streamConcurrencyCapped,
} from './lambda-policies.js';
import { dynamoLeastPrivilege } from './iam-policies.js';

export const resourcePolicies: ResourceValidationPolicy[] = [
  streamUrlStreams,
  onlyStreamIsPublic,
  tablesRecoverable,
  tablesEncrypted,
  tablesOnDemand,
  prodTablesProtected,
  sessionsExpire,
  lambdaTimeoutBounded,
  streamConcurrencyCapped,
  noSecretsInEnvironment,
  dynamoLeastPrivilege,
];

export const stackPolicies: StackValidationPolicy[] = [prodCorsRestricted, lambdaLogRetention];

export const policies = [...resourcePolicies, ...stackPolicies];
