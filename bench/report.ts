// Prints the benchmark sections and the closing table of ratios against the goals.
import type { AdmissionsResult } from './admissions.js';
import { benchTier } from './bench-store.js';
import type { ColdStartResult } from './cold-start.js';
import type { DevLoadResult } from './dev-load.js';
import type { FirstByteResult } from './first-byte.js';
import { fmt, fmtSpread, spreadOf, type Spread } from './stats.js';
import type { ThroughputResult } from './throughput.js';
import type { BudgetRow, StreamCount } from './write-budget.js';

export interface Summary {
  budget?: BudgetRow[];
  firstByte?: FirstByteResult;
  admissions?: AdmissionsResult;
  throughput?: ThroughputResult;
  load?: DevLoadResult;
  cold?: ColdStartResult;
}

const heading = (text: string) => console.log(`\n${text}`);
const counts = (rows: StreamCount[], pick: (count: StreamCount) => number) => {
  const spread = spreadOf(rows.map(pick));
  return spread.min === spread.max ? String(spread.min) : fmtSpread(spread, 1);
};

export function printBudget(rows: BudgetRow[]): void {
  heading('Write budget: DynamoDB requests per stream, counted at the HTTP level (a proxy; SDK retries included)');
  console.log(
    `  ${'stream'.padEnd(44)} ${'admission'.padEnd(10)} ${'before 1st byte'.padEnd(16)} ${'reports'.padEnd(14)} ${'settlement'.padEnd(11)} ${'errors'.padEnd(7)} out tokens`,
  );
  for (const row of rows) {
    console.log(
      `  ${row.label.padEnd(44)} ${counts(row.counts, (c) => c.admission).padEnd(10)} ${counts(row.counts, (c) => c.beforeFirstByte).padEnd(16)} ${counts(row.counts, (c) => c.reports).padEnd(14)} ${counts(row.counts, (c) => c.settlement).padEnd(11)} ${counts(row.counts, (c) => c.errors).padEnd(7)} ${counts(row.counts, (c) => c.outputTokens)}`,
    );
    console.log(`  ${''.padEnd(44)} budget: ${row.budget}; requests: ${[...new Set(row.counts[0]!.kinds)].join(', ')}`);
  }
  console.log(
    `  (bench tier: reportEveryTokens ${benchTier.reportEveryTokens}, reportEverySeconds ${benchTier.reportEverySeconds}; settlement = the resolving UpdateItem + the projection BatchWriteItem)`,
  );
}

export function printFirstByte(result: FirstByteResult): void {
  heading(
    `Time to first byte, same handler throttled vs unthrottled, beside a bare conditional UpdateItem (${result.rounds} rounds each per repetition, rotating order, each stream settled before the next)`,
  );
  console.log(`  added time to first byte ÷ bare UpdateItem:  ${fmtSpread(result.ratio)}x`);
  console.log(`  added time to first byte (median of pairs):  ${fmtSpread(result.addedMs)} ms`);
  console.log(`  bare conditional UpdateItem:                 ${fmtSpread(result.bareMs)} ms`);
  console.log(
    `  throttled / unthrottled time to first byte:  ${fmtSpread(result.throttledMs)} / ${fmtSpread(result.unthrottledMs)} ms`,
  );
}

export function printAdmissions(result: AdmissionsResult): void {
  heading(
    `Admissions per second beside bare conditional UpdateItems per second (${result.inFlight} in flight, ${result.users} users, ${result.perBlock} per block, blocks interleaved, reservations settled between blocks)`,
  );
  console.log(`  admissions/s ÷ bare UpdateItems/s: ${fmtSpread(result.ratio)}x`);
  console.log(`  admissions/s:                      ${fmtSpread(result.admissionsPerSecond, 0)}`);
  console.log(`  bare UpdateItems/s:                ${fmtSpread(result.barePerSecond, 0)}`);
}

export function printThroughput(result: ThroughputResult): void {
  heading(
    `Token throughput, ${result.streams} concurrent streams of ${result.words} words, throttled vs unthrottled (runs interleaved)`,
  );
  console.log(`  throttled ÷ unthrottled: ${fmtSpread(result.ratio, 3)}`);
  console.log(
    `  text parts/s: throttled ${fmtSpread(result.throttledPartsPerSecond, 0)}, unthrottled ${fmtSpread(result.unthrottledPartsPerSecond, 0)}`,
  );
}

export function printLoad(result: DevLoadResult): void {
  heading(
    `${result.streams} concurrent streams (${result.streams} users, 20 words each) on the dev stack (npm run dev, store in its own process), 3 runs per dev process`,
  );
  result.runs.forEach((runs, process) => {
    for (const [i, run] of runs.entries()) {
      const other =
        Object.entries(run.other)
          .map(([what, n]) => `${n}× ${what}`)
          .join(', ') || 'none';
      console.log(
        `  process ${process + 1} run ${i + 1}: ${run.complete}/${result.streams} complete, ${run.refused503} × 503, other: ${other}; ${fmt(run.seconds, 1)} s; RSS ${fmt(run.rssMb, 0)} MB`,
      );
    }
  });
  console.log(`  RSS after the 3rd run ÷ after the 1st: ${fmtSpread(result.rssRatio)}`);
}

export function printColdStart(result: ColdStartResult): void {
  heading(`Bundles (esbuild, ESM, chunks for code loaded at first use)`);
  for (const [name, size] of Object.entries(result.sizes)) {
    console.log(
      `  ${name.padEnd(32)} index.mjs ${fmt(size.entry / 1024, 0).padStart(5)} KB; ${size.files} files, ${fmt(size.total / 1024, 0).padStart(5)} KB in all`,
    );
  }
  heading(
    `Cold start in a fresh Node process, NODE_OPTIONS "${result.nodeOptions}" (the Lambda's), ${result.samples} interleaved samples`,
  );
  console.log(
    '  import = evaluating index.mjs (encodings, model provider and credential providers load later, at first use)',
  );
  console.log(`  import ÷ minimal handler (ai + @ai-sdk/openai):       ${fmtSpread(result.importRatio)}x`);
  console.log(
    `  import: chat-stream ${fmtSpread(result.importMs.service, 0)} ms, minimal ${fmtSpread(result.importMs.minimal, 0)} ms, chat-stream with the AWS SDK external (as the runtime provides it) ${fmtSpread(result.importMs.sdkExternal, 0)} ms`,
  );
  console.log(`  import + first request to its first byte ÷ minimal's: ${fmtSpread(result.firstByteRatio)}x`);
  console.log(
    `  (chat-stream: config, store client, tier and account reads, encoding, admission, model call: ${fmtSpread(result.firstByteMs.service, 0)} ms; minimal: model call only: ${fmtSpread(result.firstByteMs.minimal, 0)} ms)`,
  );
}

interface Row {
  what: string;
  measured: string;
  goal: string;
  met?: boolean;
}

const within = (spread: Spread, check: (value: number) => boolean) => check(spread.median);

export function printSummary(summary: Summary): void {
  const rows: Row[] = [];
  const warm = summary.budget?.find((row) => row.label.startsWith('warm container, 20'));
  const long = summary.budget?.find((row) => row.label.startsWith('warm container, 600'));
  if (warm && long) {
    const perTokens = long.counts.map((c) => (c.reports * benchTier.reportEveryTokens) / c.outputTokens);
    rows.push({
      what: 'write budget, warm: admission / before first byte / settlement',
      measured: `${counts(warm.counts, (c) => c.admission)} / ${counts(warm.counts, (c) => c.beforeFirstByte)} / ${counts(warm.counts, (c) => c.settlement)}`,
      goal: '1 / 1 / 2',
      met: warm.counts.every((c) => c.admission === 1 && c.beforeFirstByte === 1 && c.settlement === 2),
    });
    rows.push({
      what: `reports per ${benchTier.reportEveryTokens} output tokens (600 words over 3 s)`,
      measured: fmtSpread(spreadOf(perTokens)),
      goal: '≤ 1',
      met: perTokens.every((value) => value <= 1.05),
    });
  }
  if (summary.firstByte) {
    rows.push({
      what: 'added time to first byte ÷ bare conditional UpdateItem',
      measured: `${fmtSpread(summary.firstByte.ratio)}x`,
      goal: '≤ 1.5x',
      met: within(summary.firstByte.ratio, (v) => v <= 1.5),
    });
  }
  if (summary.admissions) {
    rows.push({
      what: 'admissions/s ÷ bare UpdateItems/s (16 in flight)',
      measured: `${fmtSpread(summary.admissions.ratio)}x`,
      goal: '≥ 0.9x',
      met: within(summary.admissions.ratio, (v) => v >= 0.9),
    });
  }
  if (summary.throughput) {
    rows.push({
      what: 'token throughput throttled ÷ unthrottled (50 streams)',
      measured: fmtSpread(summary.throughput.ratio, 3),
      goal: '≥ 0.97',
      met: within(summary.throughput.ratio, (v) => v >= 0.97),
    });
  }
  if (summary.load) {
    const runs = summary.load.runs.flat();
    rows.push({
      what: `${summary.load.streams} concurrent streams on the dev stack: complete / 503`,
      measured: `${fmtSpread(spreadOf(runs.map((r) => r.complete)), 0)} / ${fmtSpread(spreadOf(runs.map((r) => r.refused503)), 0)}`,
      goal: `${summary.load.streams} / 0`,
      met: runs.every((r) => r.complete === summary.load!.streams && r.refused503 === 0),
    });
    rows.push({
      what: 'RSS of the dev process after 3 load runs ÷ after the 1st',
      measured: fmtSpread(summary.load.rssRatio),
      goal: '≤ 1.2',
      met: within(summary.load.rssRatio, (v) => v <= 1.2),
    });
  }
  if (summary.cold) {
    rows.push({
      what: 'import of the bundled stream handler ÷ minimal handler',
      measured: `${fmtSpread(summary.cold.importRatio)}x`,
      goal: '≤ 1.3x',
      met: within(summary.cold.importRatio, (v) => v <= 1.3),
    });
    rows.push({
      what: 'cold import + first request to first byte ÷ minimal',
      measured: `${fmtSpread(summary.cold.firstByteRatio)}x`,
      goal: '(no goal)',
    });
  }
  heading('Summary (min / median / max; a goal is met when the median meets it)');
  const width = Math.max(...rows.map((row) => row.what.length));
  for (const row of rows) {
    const verdict = row.met === undefined ? '' : row.met ? 'met' : 'NOT met';
    console.log(`  ${row.what.padEnd(width)}  ${row.measured.padEnd(26)} goal ${row.goal.padEnd(10)} ${verdict}`);
  }
}
