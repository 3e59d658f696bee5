// The sweeper on a schedule: resolves reservations of streams whose Lambda died, projects
// movements a dead Lambda left in an account's outbox, then updates the usage rollup.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import type { Tables } from './tables.js';
import { lambdaFunction } from './lambda-function.js';
import { components } from './policy/components.js';
import { tagsFor } from './tags.js';

export function createSweeper(
  settings: StackConfig,
  tables: Tables,
  environment: pulumi.Output<Record<string, string>>,
  codeDirectory: string,
) {
  const fn = lambdaFunction({
    name: components.sweeper,
    codeDirectory,
    settings,
    timeoutSeconds: 120,
    memoryMb: 256,
    reservedConcurrency: 1, // one sweep at a time
    environment, // no secret: the sweeper reads none
    tables: [
      // Finds accounts through the sparse sweepDue index, resolves and projects what dead Lambdas left;
      // reads refusal shards and load gauges, writes the usage rollup items (PutItem) and load samples.
      {
        table: tables.credits,
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem'],
        indexes: true,
      },
      // Session records are projections; the rollup reads an hour's through the bySettledHour index.
      { table: tables.sessions, actions: ['BatchWriteItem', 'Query'], indexes: true },
    ],
  });
  const schedule = new aws.cloudwatch.EventRule('sweeper-schedule', {
    scheduleExpression: settings.sweepSchedule,
    description: 'Settle streaming sessions whose lease expired unsettled',
    tags: tagsFor(settings, components.sweeper),
  });
  new aws.lambda.Permission('sweeper-invoke', {
    action: 'lambda:InvokeFunction',
    function: fn.name,
    principal: 'events.amazonaws.com',
    sourceArn: schedule.arn,
  });
  new aws.cloudwatch.EventTarget('sweeper-target', { rule: schedule.name, arn: fn.arn });
  return { fn, schedule };
}
