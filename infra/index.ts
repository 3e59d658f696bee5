// The Pulumi program: the streaming AI service on AWS, per stack (dev, prod).
import * as pulumi from '@pulumi/pulumi';
import { loadStackConfig } from './config.js';
import { bundleLambdas } from './bundle.js';
import { createTables } from './tables.js';
import { createFunctionSecrets } from './secrets.js';
import { serviceEnvironment } from './service-environment.js';
import { createStreamFunction } from './stream-function.js';
import { createAdminApi } from './admin-api.js';
import { createSweeper } from './sweeper.js';
import { createAlarms } from './alarms.js';
import { createDashboard } from './dashboard.js';

const { settings, secrets } = loadStackConfig();
const code = await bundleLambdas();

const tables = createTables('ai', settings);
const functionSecrets = createFunctionSecrets(settings, secrets);
const environment = serviceEnvironment(settings, tables);
const stream = createStreamFunction(settings, tables, functionSecrets.stream, environment, code['chat-stream']);
const admin = createAdminApi(settings, tables, functionSecrets.admin, environment, code.admin);
const sweeper = createSweeper(settings, tables, environment, code.sweeper);
const functions = { stream: stream.fn, admin: admin.fn, sweeper: sweeper.fn };
const alarms = settings.alarms.enabled ? createAlarms(settings, functions) : undefined;
const dashboard = settings.dashboard.enabled ? createDashboard(settings, functions) : undefined;

/** POST chat requests here (?provider=&model=), with a user's bearer JWT. */
export const streamUrl = stream.url.functionUrl;
/** The admin API base (append /admin/...); SigV4-signed calls only. */
export const adminUrl = admin.url.functionUrl;
/** Attach this policy to operators who may call the admin API. */
export const adminInvokePolicyArn = admin.invokePolicy.arn;
export const tableNames = { tiers: tables.tiers.name, credits: tables.credits.name, sessions: tables.sessions.name };
/** Subscribe to this topic for cost, error and refusal alarms (prod). */
export const alarmTopicArn = alarms ? alarms.topic.arn : pulumi.output('alarms disabled on this stack');
/** The stack's CloudWatch dashboard: throttler decisions, tokens, cost, latency, function health. */
export const dashboardName = dashboard
  ? dashboard.dashboard.dashboardName
  : pulumi.output('dashboard disabled on this stack');
export const dashboardUrl = dashboard ? dashboard.url : pulumi.output('dashboard disabled on this stack');
