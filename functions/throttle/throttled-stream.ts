// One admitted stream: the mid-stream monitor over its parts, its usage reports (which
// renew its lease, bound what a dead stream is charged, and carry an admin's kill), its
// deadline, and its single settlement: one write that resolves the reservation, then one
// batch that projects the ledger entry and the session record.
import type { AdmittedStream, StreamExit, StreamPart } from '../chat/stream-gate.js';
import type { ServiceLogger } from '../observability/logger.js';
import type { ThrottleMetrics } from '../observability/throttle-metrics.js';
import type { StreamNotice } from '../protocol/stream-notice.js';
import type { ModelPrice, ModelRef } from '../shared/catalog.js';
import type { StreamEndReason } from '../shared/reasons.js';
import type { TokenCounter } from '../tokens/token-counter.js';
import type { PendingReservation } from './account.js';
import type { AccountCache } from './account-cache.js';
import { type ErrorEndReason, endError, endReasonOf } from './end-reason.js';
import { monitorVerdict, remainingOutput, type StreamBudget } from './monitor-verdict.js';
import { movementId } from './movements.js';
import { resolutionOf, settlementAmounts } from './settlement.js';
import type { ResolveOutcome, ThrottleStore } from './throttle-store.js';
import { UsageReporter, type ReportOutcome } from './usage-reporter.js';
import { UsageTally } from './usage-tally.js';

export interface ThrottledStreamContext {
  store: ThrottleStore;
  clock: () => number;
  logger: ServiceLogger;
  metrics: ThrottleMetrics;
  /** The throttler's view of the account: the settlement updates it and drops projected movements. */
  cache?: AccountCache;
}

export interface ThrottledStreamSpec {
  userId: string;
  sessionId: string;
  pending: PendingReservation;
  model: ModelRef;
  price: ModelPrice;
  budget: StreamBudget;
  counter: TokenCounter;
  maxSteps: number;
  toolsAllowed: boolean;
  headers: Record<string, string>;
  notices: StreamNotice[];
  reporting: { leaseMs: number; reportEveryTokens: number; reportEverySeconds: number };
}

type Controller = TransformStreamDefaultController<StreamPart>;

const resolveAttempts = 3;

export class ThrottledStream implements AdmittedStream {
  readonly sessionId: string;
  readonly model: ModelRef;
  readonly maxOutputTokens: number;
  readonly maxSteps: number;
  readonly toolsAllowed: boolean;
  readonly headers: Record<string, string>;
  readonly notices: StreamNotice[];

  private readonly tally: UsageTally;
  private readonly reporter: UsageReporter;
  private controller?: Controller;
  private stopUpstream: () => void = () => undefined;
  private endReason?: StreamEndReason;
  /** Output tokens sent to the client (by the tokenizer's count), what the allowance bounds. */
  private sent = 0;
  private steps = 0;
  private firstByteMs?: number;
  private timers: NodeJS.Timeout[] = [];
  private settlement?: Promise<void>;
  private killedBy?: string;

  constructor(
    private readonly context: ThrottledStreamContext,
    private readonly spec: ThrottledStreamSpec,
  ) {
    this.sessionId = spec.sessionId;
    this.model = spec.model;
    this.maxOutputTokens = spec.pending.maxOutputTokens;
    this.maxSteps = spec.maxSteps;
    this.toolsAllowed = spec.toolsAllowed;
    this.headers = spec.headers;
    this.notices = spec.notices;
    this.tally = new UsageTally(spec.pending.tokensIn, spec.counter);
    this.reporter = new UsageReporter(
      {
        store: context.store,
        userId: spec.userId,
        sessionId: spec.sessionId,
        clock: context.clock,
        leaseMs: spec.reporting.leaseMs,
        reportEveryTokens: spec.reporting.reportEveryTokens,
        maxOutputTokens: spec.pending.maxOutputTokens,
      },
      {
        allowanceOut: spec.pending.allowanceOut,
        leaseUntil: spec.pending.leaseUntil,
        reportedAt: spec.pending.reportedAt,
      },
    );
  }

  remainingOutputTokens(): number {
    return remainingOutput(this.spec.budget, this.tally.usageInStep);
  }

  monitor(stopUpstream: () => void): TransformStream<StreamPart, StreamPart> {
    this.stopUpstream = stopUpstream;
    return new TransformStream<StreamPart, StreamPart>({
      start: (controller) => {
        this.controller = controller;
        this.startTimers();
      },
      transform: (part, controller) => this.onPart(part, controller),
      flush: () => this.clearTimers(),
    });
  }

  private async onPart(part: StreamPart, controller: Controller): Promise<void> {
    if (this.endReason) return;
    if (part.type === 'start-step' && this.steps++ > 0) {
      // A tool loop's next call resends the conversation: report the input before going on.
      if (!(await this.reportNow(this.sent))) return;
    }
    const tokens = this.tally.tokensOf(part);
    if (tokens > 0) {
      const verdict = monitorVerdict(this.spec.budget, this.tally.usageInStep, tokens, this.context.clock());
      if (verdict) return this.stop(verdict);
      // Never send past the acknowledged allowance: the report in flight may grant it, else report first.
      if (!this.reporter.covers(this.sent + tokens)) await this.reporter.settled();
      if (this.endReason) return;
      if (!this.reporter.covers(this.sent + tokens) && !(await this.reportNow(this.sent + tokens))) return;
      if (this.endReason) return;
      this.firstByteMs ??= this.context.clock() - this.spec.pending.startedAt;
      this.sent += tokens;
    }
    this.tally.observe(part, tokens);
    if (part.type === 'error') this.endReason = endReasonOf(part.error);
    controller.enqueue(part);
    if (tokens > 0 && this.reporter.due(this.sent)) void this.reportNow(this.sent);
    // The provider stopped at the output cap this stream was given: say which limit it was.
    if (part.type === 'finish-step' && part.finishReason === 'length' && this.remainingOutputTokens() === 0) {
      this.stop(this.spec.budget.binding);
    }
  }

  /** One report; false (and the stream stopped) when the stream may not go on. */
  private async reportNow(sent: number): Promise<boolean> {
    const outcome = await this.reporter.report(this.tally.usageInStep, sent);
    return this.onReport(outcome, sent);
  }

  private onReport(outcome: ReportOutcome, sent: number): boolean {
    if (outcome.state === 'killed') {
      this.killedBy = outcome.killedBy;
      this.stop('session_terminated');
    } else if (outcome.state === 'gone') this.stop('lease_lost');
    else if (outcome.state === 'failed') {
      this.context.logger.warn('usage report failed', { sessionId: this.sessionId });
      // Without a renewed lease or allowance the stream would go unmetered: end it in time.
      const leaseEnding =
        this.context.clock() + this.spec.reporting.reportEverySeconds * 1000 >= this.reporter.leaseUntil;
      if (leaseEnding || !this.reporter.covers(sent)) this.stop('metering_unavailable');
    }
    return !this.endReason;
  }

  /** Ends the stream with a reason's error part and stops paying for the model. */
  private stop(reason: ErrorEndReason): void {
    if (this.endReason) return;
    this.endReason = reason;
    this.clearTimers();
    this.stopUpstream();
    this.context.metrics.terminated(reason);
    try {
      this.controller?.enqueue({ type: 'error', error: endError(reason) });
      this.controller?.terminate();
    } catch {
      // The stream already closed (the client left); the end reason still stands.
    }
  }

  private startTimers(): void {
    const { clock } = this.context;
    const deadline = setTimeout(
      () => this.stop('max_duration_exceeded'),
      Math.max(0, this.spec.budget.deadline - clock()),
    );
    deadline.unref();
    this.timers.push(deadline);
    this.heartbeat();
  }

  /** Reports one interval after the last report, whatever sent it (a stream reporting by tokens needs no extra one). */
  private heartbeat(): void {
    const interval = this.spec.reporting.reportEverySeconds * 1000;
    let wait = this.reporter.lastReportAt + interval - this.context.clock();
    if (wait <= 0) {
      void this.reportNow(this.sent);
      wait = interval;
    }
    const timer = setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      if (!this.endReason) this.heartbeat();
    }, wait);
    timer.unref();
    this.timers.push(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  finish(exit: StreamExit): Promise<void> {
    this.settlement ??= this.settle(exit);
    return this.settlement;
  }

  private async settle(exit: StreamExit): Promise<void> {
    this.clearTimers();
    this.stopUpstream();
    await this.reporter.settled();
    const { pending, userId } = this.spec;
    const endReason: StreamEndReason = this.endReason ?? exit;
    const usage = this.tally.producedOutput ? this.tally.usage : { inputTokens: 0, outputTokens: 0 };
    const amounts = settlementAmounts(usage, pending, this.spec.price);
    const now = this.context.clock();
    const resolution = resolutionOf({
      userId,
      sessionId: this.sessionId,
      pending: this.killedBy ? { ...pending, killedBy: this.killedBy } : pending,
      amounts,
      usageSource: this.tally.source,
      endReason,
      now,
    });
    const outcome = await this.resolve(resolution);
    if (outcome === 'resolved') {
      // The projection is the second and last write; if it fails the sweeper writes it.
      try {
        await this.context.store.project(userId, [resolution.movement]);
        this.context.cache?.markProjected(userId, movementId(resolution.movement));
      } catch (err) {
        this.context.logger.warn('projection left to the sweeper', { sessionId: this.sessionId, error: String(err) });
      }
      this.context.metrics.settled({
        model: pending.model,
        inputTokens: amounts.inputTokens,
        outputTokens: amounts.outputTokens,
        costMicros: amounts.charge,
        firstByteMs: this.firstByteMs,
      });
    }
    this.context.logger.info('session settled', {
      sessionId: this.sessionId,
      userId,
      tier: pending.tier,
      model: pending.model,
      requestedModel: pending.requestedModel,
      endReason,
      outcome: outcome ?? 'left_to_sweeper',
      inputTokens: amounts.inputTokens,
      outputTokens: amounts.outputTokens,
      usageSource: this.tally.source,
      reserved: pending.reserved,
      charged: amounts.charge,
      overrun: amounts.overrun,
      firstByteMs: this.firstByteMs,
      durationMs: now - pending.startedAt,
    });
  }

  private async resolve(resolution: ReturnType<typeof resolutionOf>): Promise<ResolveOutcome | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const drops = this.context.cache?.toDrop(resolution.userId) ?? [];
        const result = await this.context.store.resolve(resolution, drops);
        if (result.outcome === 'resolved') {
          this.context.cache?.dropped(resolution.userId, drops);
          this.context.cache?.resolved(resolution, result.tokensReturned ?? false);
        }
        return result.outcome;
      } catch (err) {
        if (attempt >= resolveAttempts) {
          // The sweeper resolves it once the lease lapses, charging the last reported allowance.
          this.context.logger.error('settlement failed; left to the sweeper', {
            sessionId: this.sessionId,
            error: String(err),
          });
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
      }
    }
  }
}
