// DynamoDB table policies, each with a compliant and a violating table.
import { describe, expect, it } from 'vitest';
import { resourceViolations } from '../helpers/policy-harness.js';
import { lambda, table } from '../helpers/policy-fixtures.js';
import {
  prodTablesProtected,
  sessionsExpire,
  tablesEncrypted,
  tablesOnDemand,
  tablesRecoverable,
} from '../../infra/policy/table-policies.js';

describe('table policies', () => {
  it.each([
    ['tables-point-in-time-recovery', tablesRecoverable, { pointInTimeRecovery: { enabled: false } }],
    ['tables-encrypted', tablesEncrypted, { serverSideEncryption: undefined }],
    ['tables-on-demand', tablesOnDemand, { billingMode: 'PROVISIONED' }],
    ['prod-tables-deletion-protection', prodTablesProtected, { deletionProtectionEnabled: false }],
    ['sessions-ttl', sessionsExpire, { ttl: { enabled: false } }],
  ] as const)('%s passes a compliant table and fires on a bad one', async (_name, policy, bad) => {
    expect(await resourceViolations(policy, table({}))).toEqual([]);
    expect(await resourceViolations(policy, table(bad))).toHaveLength(1);
    // Only tables are checked.
    expect(await resourceViolations(policy, lambda('chat-stream'))).toEqual([]);
  });

  it('does not ask dev tables for deletion protection or other tables for a TTL', async () => {
    expect(
      await resourceViolations(
        prodTablesProtected,
        table({ deletionProtectionEnabled: false, tags: { environment: 'dev', component: 'credits' } }),
      ),
    ).toEqual([]);
    expect(
      await resourceViolations(
        sessionsExpire,
        table({ ttl: undefined, tags: { environment: 'dev', component: 'credits' } }),
      ),
    ).toEqual([]);
  });
});
