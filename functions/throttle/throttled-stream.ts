// One admitted stream: the mid-stream monitor over its parts, the lease heartbeat (which
// is also how an admin's kill reaches it), its deadline, and its single settlement.
import { StreamError } from '../protocol/stream-error.js';
import type { StreamNotice } from '../protocol/stream-notice.js';
import type { AdmittedStream, StreamEndReason, StreamPart } from '../chat/stream-gate.js';
import type { ModelRef } from '../shared/catalog.js';
import type { ServiceLogger } from '../observability/logger.js';
import type { ThrottleMetrics } from '../observability/throttle-metrics.js';
import type { BindingLimit } from './admission.js';
import { limitError, monitorVerdict, type StreamBudget } from './monitor-verdict.js';
import { settlementAmounts } from './settlement.js';
import { UsageTally } from './usage-tally.js';
import type { SessionEndReason, SessionOpening } from './session-record.js';
import type { ThrottleStore } from './throttle-store.js';

export interface ThrottledStreamContext {
  store: ThrottleStore;
  clock: () => number;
  heartbeatMs: number;
  logger: ServiceLogger;
  metrics: ThrottleMetrics;
}

export interface ThrottledStreamSpec {
  opening: SessionOpening;
  model: ModelRef;
  /** The limits besides the reservation and minute grant, which the opening carries. */
  limits: Pick<StreamBudget, 'maxTokensPerRequest' | 'price' | 'deadline'>;
  maxOutputTokens: number;
  binding: BindingLimit;
  maxSteps: number;
  toolsAllowed: boolean;
  headers: Record<string, string>;
  notices: StreamNotice[];
}

type Controller = TransformStreamDefaultController<StreamPart>;

const settleAttempts = 4;

export class ThrottledStream implements AdmittedStream {
  readonly sessionId: string;
  readonly model: ModelRef;
  readonly maxOutputTokens: number;
  readonly maxSteps: number;
  readonly toolsAllowed: boolean;
  readonly headers: Record<string, string>;
  readonly notices: StreamNotice[];

  private readonly tally: UsageTally;
  private readonly opened: Promise<boolean>;
  private controller?: Controller;
  private stopUpstream: () => void = () => undefined;
  private endReason?: SessionEndReason;
  private firstByteMs?: number;
  private leaseUntil: number;
  private timers: NodeJS.Timeout[] = [];
  private settlement?: Promise<void>;
  private readonly budget: StreamBudget;

  constructor(
    private readonly context: ThrottledStreamContext,
    private readonly spec: ThrottledStreamSpec,
  ) {
    this.sessionId = spec.opening.sessionId;
    this.model = spec.model;
    this.maxOutputTokens = spec.maxOutputTokens;
    this.maxSteps = spec.maxSteps;
    this.toolsAllowed = spec.toolsAllowed;
    this.headers = spec.headers;
    this.notices = spec.notices;
    this.tally = new UsageTally(spec.opening.tokensIn);
    this.budget = { ...spec.limits, reserved: spec.opening.reserved, tokenGrant: spec.opening.tokenGrant };
    this.leaseUntil = spec.opening.leaseUntil;
    // The session record is written while the model call starts, off the first byte's path.
    this.opened = context.store.openSession(spec.opening).then(
      () => true,
      (err) => {
        context.logger.warn('session record not opened', { sessionId: this.sessionId, error: String(err) });
        return false;
      },
    );
  }

  private get leaseMs(): number {
    return this.context.heartbeatMs * 3;
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

  private onPart(part: StreamPart, controller: Controller): void {
    if (this.endReason) return;
    const next = UsageTally.outputTokensOf(part);
    if (next > 0) {
      const verdict = monitorVerdict(this.budget, this.tally.usage, next, this.context.clock());
      if (verdict) {
        this.stop(verdict);
        return;
      }
      this.firstByteMs ??= this.context.clock() - this.spec.opening.startedAt;
    }
    this.tally.observe(part);
    if (part.type === 'error')
      this.endReason = part.error instanceof StreamError ? (part.error.type as SessionEndReason) : 'provider_error';
    controller.enqueue(part);
    // The provider stopped at the output cap this stream was given: say which limit it was.
    if (
      part.type === 'finish-step' &&
      part.finishReason === 'length' &&
      (part.usage.outputTokens ?? 0) >= this.maxOutputTokens
    ) {
      this.stop(limitError(this.spec.binding));
    }
  }

  /** Ends the stream with a limit's error part and stops paying for the model. */
  private stop(error: StreamError): void {
    if (this.endReason) return;
    this.endReason = error.type as SessionEndReason;
    this.clearTimers();
    this.stopUpstream();
    this.context.metrics.terminated(error.type);
    try {
      this.controller?.enqueue({ type: 'error', error });
      this.controller?.terminate();
    } catch {
      // The stream already closed (the client left); the end reason still stands.
    }
  }

  private startTimers(): void {
    const { clock, heartbeatMs } = this.context;
    const deadline = setTimeout(
      () => this.stop(limitError('max_duration_exceeded')),
      Math.max(0, this.budget.deadline - clock()),
    );
    const heartbeat = setInterval(() => void this.heartbeat(), heartbeatMs);
    for (const timer of [deadline, heartbeat]) timer.unref();
    this.timers.push(deadline, heartbeat);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  private async heartbeat(): Promise<void> {
    if (!(await this.opened) || this.endReason) return;
    const now = this.context.clock();
    try {
      const answer = await this.context.store.heartbeat(this.sessionId, now + this.leaseMs, this.tally.usage, now);
      if (!answer.active)
        return this.stop(new StreamError('session_terminated', "This session's lease was lost; it has been settled."));
      this.leaseUntil = now + this.leaseMs;
      if (answer.killRequested) this.stop(limitError('session_terminated'));
    } catch (err) {
      this.context.logger.warn('heartbeat failed', { sessionId: this.sessionId, error: String(err) });
      // Without a renewed lease the stream would go unmetered: end it before the lease runs out.
      if (this.context.clock() + this.context.heartbeatMs >= this.leaseUntil) {
        this.stop(new StreamError('internal_error', 'Usage metering is unavailable; the answer was stopped.'));
      }
    }
  }

  finish(reason: StreamEndReason): Promise<void> {
    this.settlement ??= this.settle(reason);
    return this.settlement;
  }

  private async settle(reason: StreamEndReason): Promise<void> {
    this.clearTimers();
    this.stopUpstream();
    await this.opened;
    const { opening } = this.spec;
    const endReason: SessionEndReason = this.endReason ?? reason;
    const usage = this.tally.producedOutput ? this.tally.usage : { inputTokens: 0, outputTokens: 0 };
    const amounts = settlementAmounts(usage, opening.reserved, opening.tokenGrant, this.budget.price);
    const started = opening.startedAt;
    for (let attempt = 1; ; attempt++) {
      const now = this.context.clock();
      try {
        const outcome = await this.context.store.settle({
          session: opening,
          amounts,
          usageSource: this.tally.source,
          endReason,
          now,
        });
        this.context.metrics.settled({
          model: opening.model,
          inputTokens: amounts.inputTokens,
          outputTokens: amounts.outputTokens,
          costMicros: amounts.charge,
          firstByteMs: this.firstByteMs,
        });
        this.context.logger.info('session settled', {
          sessionId: this.sessionId,
          userId: opening.userId,
          tier: opening.tier,
          model: opening.model,
          requestedModel: opening.requestedModel,
          decision: 'admitted',
          endReason,
          outcome,
          inputTokens: amounts.inputTokens,
          outputTokens: amounts.outputTokens,
          usageSource: this.tally.source,
          reserved: opening.reserved,
          charged: amounts.charge,
          overrun: amounts.overrun,
          firstByteMs: this.firstByteMs,
          durationMs: now - started,
        });
        return;
      } catch (err) {
        if (attempt >= settleAttempts) {
          // The sweeper settles it once the lease runs out; the session record keeps the last heartbeat's usage.
          this.context.logger.error('settlement failed; left to the sweeper', {
            sessionId: this.sessionId,
            error: String(err),
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}
