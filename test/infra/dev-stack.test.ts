// The real Pulumi program for the dev stack, run under the engine's mocks with
// Pulumi.dev.yaml: what it deploys, and that the policy pack passes it.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { generatedPassword, runProgram, type ProgramRun } from '../helpers/pulumi-program.js';
import {
  expectAdminInvokableOnlyThroughUrl,
  expectEachFunctionReadsOnlyItsSecret,
  expectLeastPrivilege,
  expectNoPolicyViolations,
  expectNoSecretInPlainSight,
  secretDocumentOf,
} from '../helpers/stack-assertions.js';

const secrets = {
  jwtSecret: 'dev-jwt-secret-that-is-long-enough-0123456789',
  openaiApiKey: 'sk-test-openai-dev',
  adminToken: 'dev-admin-token-0123456789abcdef',
};
const toolApprovalSecret = generatedPassword('tool-approval-secret');
let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram('dev', secrets);
}, 120_000);

describe('dev stack', () => {
  it('serves the chat stream from a public Function URL in RESPONSE_STREAM mode with open CORS', () => {
    const url = run.named('chat-stream-url').inputs;
    expect(url).toMatchObject({
      authorizationType: 'NONE',
      invokeMode: 'RESPONSE_STREAM',
      cors: { allowOrigins: ['*'], allowMethods: ['POST'] },
    });
    expect(url.cors.exposeHeaders).toEqual(expect.arrayContaining(['x-ratelimit-remaining', 'retry-after']));
  });

  it('lets operators call the admin API through its AWS_IAM URL only, never by a direct invoke', () => {
    expectAdminInvokableOnlyThroughUrl(run);
  });

  it('runs every function on nodejs24.x arm64 with its own log group and JSON logs', () => {
    const functions = run.ofType('aws:lambda/function:Function');
    expect(functions.map((f) => f.name).sort()).toEqual(['admin-api', 'chat-stream', 'sweeper']);
    for (const fn of functions) {
      expect(fn.inputs).toMatchObject({
        runtime: 'nodejs24.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        tracingConfig: { mode: 'Active' },
        loggingConfig: { logFormat: 'JSON' },
      });
      const group = run
        .ofType('aws:cloudwatch/logGroup:LogGroup')
        .find((g) => g.inputs.name === fn.inputs.loggingConfig.logGroup);
      expect(group?.inputs.retentionInDays).toBe(14);
    }
    expect(run.named('chat-stream').inputs).toMatchObject({
      timeout: 320,
      memorySize: 1024,
      reservedConcurrentExecutions: 10,
    });
  });

  it('creates on-demand, encrypted, recoverable tables with TTL on sessions, deletable in dev', () => {
    const tables = run.ofType('aws:dynamodb/table:Table');
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      expect(table.inputs).toMatchObject({
        billingMode: 'PAY_PER_REQUEST',
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: false,
      });
    }
    expect(run.named('ai-sessions').inputs.ttl).toEqual({ attributeName: 'expiresAt', enabled: true });
  });

  it('seeds the configured tiers once', () => {
    const items = run
      .ofType('aws:dynamodb/tableItem:TableItem')
      .filter((i) => i.inputs.tableName === run.named('ai-tiers').state.name)
      .map((i) => JSON.parse(i.inputs.item));
    expect(items.map((i) => i.name.S).sort()).toEqual(['enterprise', 'free', 'pro']);
    expect(items.find((i) => i.name.S === 'free')).toMatchObject({
      requestsPerHour: { N: '10' },
      maxTokensPerRequest: { N: '1000' },
      concurrentStreams: { N: '1' },
    });
  });

  it('seeds the run-time model catalog once from the configured models, for the admin API to manage', () => {
    const seed = run.named('ai-model-catalog');
    expect(seed.inputs).toMatchObject({ tableName: run.named('ai-credits').state.name, hashKey: 'pk', rangeKey: 'sk' });
    const item = JSON.parse(seed.inputs.item);
    expect(item).toMatchObject({ pk: { S: 'CONFIG' }, sk: { S: 'MODEL_CATALOG' }, rev: { N: '0' } });
    expect(item.models.M.openai.M['gpt-4o-mini'].M).toEqual({ input: { N: '150000' }, output: { N: '600000' } });
    expect(run.named('chat-stream').inputs.environment.variables.MODEL_PROVIDERS).toBe('{}');
  });

  it('grants each function only its own tables and actions', () => {
    expectLeastPrivilege(run);
    const stream = JSON.parse(run.named('chat-stream-policy').inputs.policy);
    const dynamo = stream.Statement.filter((s: { Action: string[] }) =>
      s.Action.some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo.flatMap((s: { Action: string[] }) => s.Action)).not.toContain('dynamodb:Scan');
  });

  it('gives each function a secret of its own: the chat stream cannot read the admin token', () => {
    expect(secretDocumentOf(run, run.named('chat-stream-secrets'))).toEqual({
      JWT_SECRET: secrets.jwtSecret,
      OPENAI_API_KEY: secrets.openaiApiKey,
      TOOL_APPROVAL_SECRET: toolApprovalSecret,
    });
    expect(secretDocumentOf(run, run.named('admin-api-secrets'))).toEqual({ ADMIN_TOKEN: secrets.adminToken });
    expectEachFunctionReadsOnlyItsSecret(run, {
      'chat-stream': 'chat-stream-secrets',
      'admin-api': 'admin-api-secrets',
      sweeper: undefined,
    });
  });

  it('provisions a generated tool approval secret, kept only as a secret', () => {
    expect(run.named('tool-approval-secret').inputs).toMatchObject({ length: 48, special: false });
    expectNoSecretInPlainSight(run, [...Object.values(secrets), toolApprovalSecret]);
  });

  it('tells the functions which deployment they run in, and does not opt dev into anything', () => {
    for (const name of ['chat-stream', 'admin-api', 'sweeper'])
      expect(run.named(name).inputs.environment.variables.DEPLOY_ENV).toBe('dev');
    expect(run.named('chat-stream').inputs.environment.variables).not.toHaveProperty('AUTH_ALLOW_HS256');
  });

  it('runs the sweeper on a schedule', () => {
    expect(run.named('sweeper-schedule').inputs.scheduleExpression).toBe('rate(1 minute)');
    expect(run.named('sweeper-invoke').inputs).toMatchObject({
      principal: 'events.amazonaws.com',
      action: 'lambda:InvokeFunction',
    });
  });

  it('has no alarms and no dashboard in dev, as Pulumi.dev.yaml says', () => {
    expect(run.ofType('aws:cloudwatch/metricAlarm:MetricAlarm')).toEqual([]);
    expect(run.ofType('aws:sns/topicSubscription:TopicSubscription')).toEqual([]);
    expect(run.ofType('aws:cloudwatch/dashboard:Dashboard')).toEqual([]);
    expect(run.outputs.alarmTopicArn).toBe('alarms disabled on this stack');
    expect(run.outputs.dashboardUrl).toBe('dashboard disabled on this stack');
  });

  it('exports the URLs and table names a person needs, each from the right resource', () => {
    expect(run.outputs).toEqual({
      streamUrl: run.named('chat-stream-url').state.functionUrl,
      adminUrl: run.named('admin-api-url').state.functionUrl,
      adminInvokePolicyArn: run.named('admin-api-invoke').state.arn,
      tableNames: {
        tiers: run.named('ai-tiers').state.name,
        credits: run.named('ai-credits').state.name,
        sessions: run.named('ai-sessions').state.name,
      },
      alarmTopicArn: 'alarms disabled on this stack',
      dashboardName: 'dashboard disabled on this stack',
      dashboardUrl: 'dashboard disabled on this stack',
    });
    // The functions read the same tables the stack exports.
    expect(run.named('chat-stream').inputs.environment.variables).toMatchObject({
      TIERS_TABLE: run.named('ai-tiers').state.name,
      SESSIONS_TABLE: run.named('ai-sessions').state.name,
    });
  });

  it('passes every policy of the pack', async () => {
    await expectNoPolicyViolations(run);
  });

  it('built Lambda bundles that load in Node and export their handlers', async () => {
    const root = join(import.meta.dirname, '..', '..');
    for (const name of ['chat-stream', 'sweeper', 'admin']) {
      const { stdout } = await promisify(execFile)(
        join(root, 'node_modules', '.bin', 'node'),
        ['-e', `import('./dist/lambda/${name}/index.mjs').then((m) => console.log(typeof m.handler))`],
        { cwd: root, env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' } },
      );
      expect(stdout.trim()).toBe('function');
    }
  });
});
