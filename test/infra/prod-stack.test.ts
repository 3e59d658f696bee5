// The real Pulumi program for the prod stack, run under the engine's mocks with
// Pulumi.prod.yaml: restricted CORS, protection, long retention, alarms to email and a
// webhook, a dashboard, JWKS auth, a secret per function.
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedPassword, runProgram, type ProgramRun } from '../helpers/pulumi-program.js';
import {
  expectAdminInvokableOnlyThroughUrl,
  expectEachFunctionReadsOnlyItsSecret,
  expectLeastPrivilege,
  expectNoPolicyViolations,
  expectNoSecretInPlainSight,
  secretDocumentOf,
} from '../helpers/stack-assertions.js';
import { allViolations } from '../helpers/policy-harness.js';

const secrets = { openaiApiKey: 'sk-test-openai-prod', groqApiKey: 'gsk-test-groq-prod' };
const toolApprovalSecret = generatedPassword('tool-approval-secret');
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
  });

  it('verifies chat tokens against the identity provider (JWKS, issuer, audience)', () => {
    expect(run.named('chat-stream').inputs.environment.variables).toMatchObject({
      JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
      JWT_ISSUER: 'https://auth.example.com/',
      JWT_AUDIENCE: 'chat',
      DEPLOY_ENV: 'prod',
    });
    // JWKS, so no opt-in to a shared secret.
    expect(run.named('chat-stream').inputs.environment.variables).not.toHaveProperty('AUTH_ALLOW_HS256');
    expect(run.named('chat-stream').inputs).toMatchObject({ timeout: 900, reservedConcurrentExecutions: 200 });
  });

  it('alarms on cost per hour, errors, 5xx, refusal spikes and abuse detections, to the stack SNS topic', () => {
    const alarms = run.ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
    const byName = Object.fromEntries(alarms.map((a) => [a.name, a.inputs]));
    expect(Object.keys(byName).sort()).toEqual([
      'abuse-detected',
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
    // Any block for abuse pages someone.
    expect(byName['abuse-detected']).toMatchObject({
      metricName: 'AbuseDetected',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    });
    const topicArn = run.ofType('aws:sns/topic:Topic')[0]!.state.arn;
    for (const alarm of alarms) expect(alarm.inputs.alarmActions).toEqual([topicArn]);
    expect(run.outputs.alarmTopicArn).toBe(topicArn);
  });

  it('sends alarms to the on-call email and to the HTTPS webhook, the webhook URL kept secret in state', () => {
    const topicArn = run.ofType('aws:sns/topic:Topic')[0]!.state.arn;
    const subscriptions = run.ofType('aws:sns/topicSubscription:TopicSubscription');
    expect(subscriptions.map((s) => s.inputs)).toEqual([
      expect.objectContaining({ topic: topicArn, protocol: 'email', endpoint: 'oncall@example.com' }),
      expect.objectContaining({
        topic: topicArn,
        protocol: 'https',
        endpoint: 'https://chatops.example.com/hooks/sns',
        endpointAutoConfirms: false,
      }),
    ]);
    expect(run.named('alarms-webhook').secretInputs).toContain('endpoint');
  });

  it("shows the throttler's and the functions' metrics on a dashboard, exported by name and URL", () => {
    const dashboard = run.named('dashboard');
    expect(dashboard.inputs.dashboardName).toBe('streaming-ai-prod');
    const widgets: Array<{ properties: { title: string; region: string; metrics: unknown[][] } }> = JSON.parse(
      dashboard.inputs.dashboardBody,
    ).widgets;
    for (const widget of widgets) expect(widget.properties.region).toBe('eu-west-1');
    const series = widgets.flatMap((w) => w.properties.metrics.map((m) => JSON.stringify(m)));
    const throttler = (name: string) => expect.stringContaining(`["StreamingAI","${name}","service","chat-stream"`);
    for (const name of ['Admitted', 'Rejected', 'Terminated', 'InputTokens', 'OutputTokens', 'CostMicros'])
      expect(series).toContainEqual(throttler(name));
    expect(series.filter((s) => s.includes('"TimeToFirstByte"'))).toHaveLength(3); // p50, p90, p99
    for (const name of ['Rejected', 'Terminated'])
      expect(series).toContainEqual(
        expect.stringContaining(`SEARCH('{StreamingAI,reason,service} MetricName=\\"${name}\\"'`),
      );
    const functionNames = ['chat-stream', 'admin-api', 'sweeper'].map((n) => run.named(n).state.name);
    for (const metric of ['Errors', 'Duration', 'ConcurrentExecutions'])
      for (const fn of functionNames)
        expect(series).toContainEqual(expect.stringContaining(`["AWS/Lambda","${metric}","FunctionName","${fn}"`));
    expect(series).toContainEqual(
      expect.stringContaining(`["AWS/Lambda","Url5xxCount","FunctionName","${functionNames[0]}"`),
    );
    expect(run.outputs.dashboardName).toBe('streaming-ai-prod');
    expect(run.outputs.dashboardUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/streaming-ai-prod',
    );
  });

  it('grants least privilege; the chat stream has its own secret with the generated tool approval secret', () => {
    expectLeastPrivilege(run);
    expect(secretDocumentOf(run, run.named('chat-stream-secrets'))).toEqual({
      OPENAI_API_KEY: secrets.openaiApiKey,
      GROQ_API_KEY: secrets.groqApiKey,
      TOOL_APPROVAL_SECRET: toolApprovalSecret,
    });
    // No admin token configured: the admin API (IAM only) gets no secret and no grant.
    expectEachFunctionReadsOnlyItsSecret(run, {
      'chat-stream': 'chat-stream-secrets',
      'admin-api': undefined,
      sweeper: undefined,
    });
    expectNoSecretInPlainSight(run, [...Object.values(secrets), toolApprovalSecret]);
  });

  it('lets operators call the admin API through its AWS_IAM URL only', () => {
    expectAdminInvokableOnlyThroughUrl(run);
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

  it('would fail the pack with a public admin URL, a wildcard grant or an admin managed policy', async () => {
    const weakened = run.resources.map((r) => ({ type: r.type, name: r.name, props: structuredClone(r.state) }));
    weakened.find((r) => r.name === 'admin-api-url')!.props.authorizationType = 'NONE';
    const streamPolicy = weakened.find((r) => r.name === 'chat-stream-policy')!;
    const document = JSON.parse(streamPolicy.props.policy);
    document.Statement.push({ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' });
    streamPolicy.props.policy = JSON.stringify(document);
    weakened.push({
      type: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
      name: 'sweeper-admin',
      props: { role: 'sweeper-role', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    });
    expect(await allViolations(weakened)).toEqual([
      expect.stringMatching(/^no-wildcard-iam: chat-stream-policy allows secretsmanager:\*/),
      expect.stringMatching(/^no-admin-managed-policies: sweeper-admin attaches/),
      expect.stringMatching(/^only-stream-url-public: Function URL admin-api-url is public/),
    ]);
  });
});
