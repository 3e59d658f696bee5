// The real Pulumi program for the prod stack, run under the engine's mocks with
// Pulumi.prod.yaml: restricted CORS, protection, long retention, alarms, JWKS auth.
import { beforeAll, describe, expect, it } from 'vitest';
import { runProgram, type ProgramRun } from '../helpers/pulumi-program.js';
import {
  expectLeastPrivilege,
  expectNoPolicyViolations,
  expectNoSecretInPlainSight,
  expectTablesMatchTheStore,
} from '../helpers/stack-assertions.js';
import { allViolations } from '../helpers/policy-harness.js';

const secrets = { openaiApiKey: 'sk-test-openai-prod', groqApiKey: 'gsk-test-groq-prod' };
let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram('prod', secrets);
}, 120_000);

describe('prod stack', () => {
  it('restricts CORS of the stream URL to the product origins', () => {
    expect(run.named('chat-stream-url').inputs).toMatchObject({
      invokeMode: 'RESPONSE_STREAM',
      cors: { allowOrigins: ['https://app.example.com', 'https://www.example.com'] },
    });
    expect(run.named('admin-api-url').inputs.authorizationType).toBe('AWS_IAM');
  });

  it('protects the tables from deletion and keeps logs a year', () => {
    for (const table of run.ofType('aws:dynamodb/table:Table'))
      expect(table.inputs.deletionProtectionEnabled).toBe(true);
    for (const group of run.ofType('aws:cloudwatch/logGroup:LogGroup')) expect(group.inputs.retentionInDays).toBe(365);
    expectTablesMatchTheStore(run);
  });

  it('verifies chat tokens against the identity provider (JWKS, issuer, audience)', () => {
    expect(run.named('chat-stream').inputs.environment.variables).toMatchObject({
      JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
      JWT_ISSUER: 'https://auth.example.com/',
      JWT_AUDIENCE: 'chat',
      DEPLOY_ENV: 'prod',
      AUTH_ALLOW_HS256: 'false',
    });
    expect(run.named('chat-stream').inputs).toMatchObject({ timeout: 900, reservedConcurrentExecutions: 200 });
  });

  it('alarms on cost per hour, errors, 5xx and refusal spikes, to an SNS topic with the on-call address', () => {
    const alarms = run.ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
    const byName = Object.fromEntries(alarms.map((a) => [a.name, a.inputs]));
    expect(Object.keys(byName).sort()).toEqual([
      'admin-errors',
      'chat-stream-5xx',
      'cost-per-hour',
      'rejections-spike',
      'stream-errors',
      'sweeper-errors',
    ]);
    expect(byName['cost-per-hour']).toMatchObject({
      namespace: 'StreamingAI',
      metricName: 'CostMicros',
      dimensions: { service: 'chat-stream' },
      statistic: 'Sum',
      period: 3600,
      threshold: 50_000_000,
    });
    expect(byName['rejections-spike']).toMatchObject({ metricName: 'Rejected', period: 300, threshold: 2000 });
    expect(byName['chat-stream-5xx']).toMatchObject({ namespace: 'AWS/Lambda', metricName: 'Url5xxCount' });
    const topicArn = run.ofType('aws:sns/topic:Topic')[0]!.state.arn;
    for (const alarm of alarms) expect(alarm.inputs.alarmActions).toEqual([topicArn]);
    expect(run.ofType('aws:sns/topicSubscription:TopicSubscription')[0]!.inputs).toMatchObject({
      protocol: 'email',
      endpoint: 'oncall@example.com',
    });
    expect(run.outputs.alarmTopicArn).toBe(topicArn);
  });

  it('grants least privilege and keeps secrets out of the environment', () => {
    expectLeastPrivilege(run);
    expectNoSecretInPlainSight(run, Object.values(secrets));
  });

  it('passes every policy of the pack', async () => {
    await expectNoPolicyViolations(run);
  });

  it('would fail the pack with CORS "*" or an unprotected table in prod', async () => {
    const weakened = run.resources.map((r) => ({ type: r.type, name: r.name, props: structuredClone(r.state) }));
    weakened.find((r) => r.name === 'chat-stream-url')!.props.cors.allowOrigins = ['*'];
    weakened.find((r) => r.name === 'ai-credits')!.props.deletionProtectionEnabled = false;
    const violations = await allViolations(weakened);
    expect(violations).toEqual([
      expect.stringMatching(/^prod-tables-deletion-protection:/),
      expect.stringMatching(/^prod-cors-restricted:/),
    ]);
  });
});
