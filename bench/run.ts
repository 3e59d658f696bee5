// `npm run bench`: every figure of the throttled path measured side by side with its
// yardstick in one run, repeated (BENCH_REPETITIONS, default 3) and printed as
// min / median / max. The store and the model server run in processes of their own;
// DYNAMODB_ENDPOINT points the store figures at another server (DynamoDB Local).
// BENCH_ONLY=budget,ttfb,admissions,throughput,load,cold runs a subset.
import { cpus, loadavg } from 'node:os';
import { admissions } from './admissions.js';
import { benchContext } from './bench-context.js';
import { spawnStreamClient } from './client-process.js';
import { startBenchStore } from './bench-store.js';
import { coldStart } from './cold-start.js';
import { devLoad } from './dev-load.js';
import { firstByte } from './first-byte.js';
import { spawnModelServer } from './model-process.js';
import {
  printAdmissions,
  printBudget,
  printColdStart,
  printFirstByte,
  printLoad,
  printSummary,
  printThroughput,
  type Summary,
} from './report.js';
import { throughput } from './throughput.js';
import { writeBudget } from './write-budget.js';

const repetitions = Math.max(3, Number(process.env.BENCH_REPETITIONS ?? 3));
const only = new Set((process.env.BENCH_ONLY ?? 'budget,ttfb,admissions,throughput,load,cold').split(','));
process.env.LOG_LEVEL ??= 'ERROR';

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
console.log(
  `Benchmarks: Node ${process.version}, ${cpus().length} cores, load average ${load()} at start; ${repetitions} repetitions, min / median / max`,
);
const store = await startBenchStore();
const model = await spawnModelServer({ tokensPerSecond: 0 });
const client = await spawnStreamClient();
const context = benchContext(store, model.url, client, repetitions);
console.log(
  `Store: ${store.description}. Model: local model server at full speed in its own process. Streams are read by a client in a process of its own.`,
);
const summary: Summary = {};
try {
  if (only.has('budget')) {
    summary.budget = await writeBudget(context);
    printBudget(summary.budget);
  }
  if (only.has('ttfb')) {
    summary.firstByte = await firstByte(context);
    printFirstByte(summary.firstByte);
  }
  if (only.has('admissions')) {
    summary.admissions = await admissions(context);
    printAdmissions(summary.admissions);
  }
  if (only.has('throughput')) {
    summary.throughput = await throughput(context);
    printThroughput(summary.throughput);
  }
  if (only.has('load')) {
    summary.load = await devLoad(repetitions);
    printLoad(summary.load);
  }
  if (only.has('cold')) {
    summary.cold = await coldStart(context);
    printColdStart(summary.cold);
  }
  printSummary(summary);
  console.log(
    `\nLoad average at the end: ${load()} (other work on this machine distorts the absolute times more than the ratios).`,
  );
} finally {
  await client.close();
  await model.close();
  await store.close();
}
