// One admitted stream: the mid-stream monitor over its parts (limits, one budget warning,
// pacing where the tier prefers slowing to cutting), its usage reports (which renew its
// lease, bound what a dead stream is charged, and carry an admin's kill or an abuse
// block), its deadline, and its single settlement (stream-settlement.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdmittedStream, MonitoredPart, StreamExit, StreamPart } from '../chat/stream-gate.js';
import type { NoticePart, StreamNotice } from '../protocol/stream-notice.js';
import type { ModelPrice, ModelRef } from '../shared/catalog.js';
import { limitReasons, type StreamEndReason } from '../shared/reasons.js';
import type { TokenCounter } from '../tokens/token-counter.js';
import type { PendingReservation } from './account.js';
import { budgetWarning } from './budget-warning.js';
import { type ErrorEndReason, endError, endReasonOf } from './end-reason.js';
import { monitorVerdict, outputAllowances, remainingOutput, type StreamBudget } from './monitor-verdict.js';
import { nextGrant, pacingPlan } from './pacing.js';
import { type SettlementContext, settleStream } from './stream-settlement.js';
import type { ThrottleStore } from './throttle-store.js';
import { UsageReporter, type ReportOutcome } from './usage-reporter.js';
import { UsageTally } from './usage-tally.js';

export interface ThrottledStreamContext extends SettlementContext {
  store: ThrottleStore;
  clock: () => number;
  /** Waits (pacing); tests drive time themselves. Resolves early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The stream is over (the load gauge counts it out). */
  onEnded?: () => void;
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
  /** From the tier: pace instead of cutting at tokens per minute; warn at this share; block at this abuse score. */
  policy: { pacing: boolean; tokensPerMinute: number; warnAt: number; abuseBlockAt: number };
}

type Controller = TransformStreamDefaultController<MonitoredPart>;

const realSleep = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }).catch(() => undefined);

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
  private readonly budget: StreamBudget;
  private readonly stopped = new AbortController();
  private controller?: Controller;
  private stopUpstream: () => void = () => undefined;
  private endReason?: StreamEndReason;
  /** Output tokens sent to the client (by the tokenizer's count), what the allowance bounds. */
  private sent = 0;
  private steps = 0;
  private firstByteMs?: number;
  private warned = false;
  private pacingAnnounced = false;
  /** The latest minute grant a paced stream took: unused tokens go back to that window only. */
  private windowGrant?: { window: number; grant: number; usedBefore: number };
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
    this.budget = { ...spec.budget };
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
    // A paced stream's minute grant renews: only the other limits bound its model calls.
    const usage = this.tally.usageInStep;
    if (!this.spec.policy.pacing) return remainingOutput(this.budget, usage);
    const { tokens_per_minute_exceeded: _perMinute, ...others } = outputAllowances(this.budget, usage.inputTokens);
    return Math.max(0, Math.min(...Object.values(others)) - usage.outputTokens);
  }

  monitor(stopUpstream: () => void): TransformStream<StreamPart, MonitoredPart> {
    this.stopUpstream = stopUpstream;
    return new TransformStream<StreamPart, MonitoredPart>({
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
      let verdict = this.verdict(tokens);
      while (verdict === 'tokens_per_minute_exceeded' && this.spec.policy.pacing) {
        if (!(await this.pace())) return;
        verdict = this.verdict(tokens);
      }
      if (verdict) {
        this.stop(verdict);
        return;
      }
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
    if (tokens > 0) {
      this.warnIfNear(this.spec.policy.warnAt);
      if (this.reporter.due(this.sent)) void this.reportNow(this.sent);
    }
    // The provider stopped at the output cap this stream was given: say which limit it was.
    if (part.type === 'finish-step' && part.finishReason === 'length' && this.remainingOutputTokens() === 0) {
      this.stop(this.budget.binding);
    }
  }

  private verdict(tokens: number) {
    return monitorVerdict(this.budget, this.tally.usageInStep, tokens, this.context.clock());
  }

  /** Waits for the next minute window and takes a grant there; false when the stream had to stop. */
  private async pace(): Promise<boolean> {
    const { clock, store } = this.context;
    if (!this.pacingAnnounced) {
      this.pacingAnnounced = true;
      const { tokensPerMinute } = this.spec.policy;
      this.emit({
        type: 'notice',
        notice: {
          type: 'pacing',
          tokensPerMinute,
          message: `This answer is slowed to stay under your plan's ${tokensPerMinute} tokens per minute.`,
        },
      });
    }
    const plan = pacingPlan(clock(), this.budget.deadline);
    if ('stop' in plan) {
      this.stop(plan.stop);
      return false;
    }
    await (this.context.sleep ?? realSleep)(plan.resumeAt - clock(), this.stopped.signal);
    if (this.endReason) return false;
    const usage = this.tally.usageInStep;
    const grant = nextGrant(this.spec.policy.tokensPerMinute, this.remainingOutputTokens() + 1);
    const extended = await store
      .extendGrant(this.spec.userId, this.sessionId, {
        window: plan.window,
        grant,
        tokensPerMinute: this.spec.policy.tokensPerMinute,
      })
      .catch(() => ({ outcome: 'failed' as const }));
    if (extended.outcome === 'gone') this.stop('lease_lost');
    else if (extended.outcome === 'failed') this.stop('metering_unavailable');
    else if (extended.outcome === 'extended') {
      this.budget.tokenGrant += extended.grant;
      this.windowGrant = {
        window: plan.window,
        grant: extended.grant,
        usedBefore: usage.inputTokens + usage.outputTokens,
      };
    }
    return !this.endReason; // a full window: wait for the next one
  }

  /** Warns once, when the stream has used `share` of a limit or of its reservation. */
  private warnIfNear(share: number): void {
    if (this.warned) return;
    const notice = budgetWarning(
      this.budget,
      this.tally.usageInStep,
      this.spec.pending.startedAt,
      this.context.clock(),
      share,
    );
    if (!notice) return;
    this.warned = true;
    this.emit({ type: 'notice', notice });
  }

  private emit(part: NoticePart): void {
    try {
      this.controller?.enqueue(part);
    } catch {
      // The stream already closed.
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
    } else if (outcome.state === 'blocked') this.stop('abuse_detected');
    else if (outcome.state === 'gone') this.stop('lease_lost');
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
    // A limit never cuts a stream that was not warned first.
    if ((limitReasons as readonly string[]).includes(reason)) this.warnIfNear(0);
    this.endReason = reason;
    this.stopped.abort();
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
    const { startedAt } = this.spec.pending;
    const deadline = setTimeout(() => this.stop('max_duration_exceeded'), Math.max(0, this.budget.deadline - clock()));
    // The duration warning comes from the clock: a slow stream may send nothing near its deadline.
    const warnAt = startedAt + (this.budget.deadline - startedAt) * this.spec.policy.warnAt;
    const warning = setTimeout(() => this.warnIfNear(this.spec.policy.warnAt), Math.max(0, warnAt - clock()));
    for (const timer of [deadline, warning]) timer.unref();
    this.timers.push(deadline, warning);
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
    this.stopped.abort();
    this.stopUpstream();
    this.context.onEnded?.();
    await this.reporter.settled();
    const usage = this.tally.producedOutput ? this.tally.usage : { inputTokens: 0, outputTokens: 0 };
    const { windowGrant } = this;
    await settleStream(this.context, {
      userId: this.spec.userId,
      sessionId: this.sessionId,
      pending: {
        ...this.spec.pending,
        tokenGrant: this.budget.tokenGrant,
        ...(this.killedBy ? { killedBy: this.killedBy } : {}),
      },
      price: this.spec.price,
      usage,
      usageSource: this.tally.source,
      endReason: this.endReason ?? exit,
      now: this.context.clock(),
      ...(windowGrant
        ? {
            unusedTokens: {
              window: windowGrant.window,
              tokens: Math.max(
                0,
                windowGrant.grant - (usage.inputTokens + usage.outputTokens - windowGrant.usedBefore),
              ),
            },
          }
        : {}),
      firstByteMs: this.firstByteMs,
      abuseBlockAt: this.spec.policy.abuseBlockAt,
    });
  }
}
