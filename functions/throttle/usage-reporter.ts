// Reports a stream's usage to its pending reservation, one write at a time. Reports are
// promises of the future: a report grants the stream an output allowance, and the stream
// never sends past the allowance the store has acknowledged. So if the Lambda dies, the
// reservation's last report bounds what the stream may have sent, and the sweeper
// charges exactly that bound. Each report grants `reportEveryTokens` beyond what is sent;
// the next one goes out ahead, while there is still room for the next part and for what
// streams during a report's round trip, so a healthy stream does not wait for it and
// reports about once per `reportEveryTokens` (at most 4 times per 3 intervals).
import type { ReportAnswer, ThrottleStore, UsageReport } from './throttle-store.js';
import type { TokenUsage } from './usage-tally.js';

export interface ReporterSettings {
  store: ThrottleStore;
  userId: string;
  sessionId: string;
  clock: () => number;
  leaseMs: number;
  reportEveryTokens: number;
  /** The stream's total output allowance: no report grants more. */
  maxOutputTokens: number;
}

export type ReportOutcome = ReportAnswer | { state: 'failed' };

export class UsageReporter {
  /** Output allowance the store has acknowledged. */
  acknowledged: number;
  leaseUntil: number;
  /** When the last report (or the admission, the first one) was sent. */
  lastReportAt: number;
  private inFlight?: Promise<ReportOutcome>;
  private readonly startedAt: number;
  /** What the report-ahead rule knows of the stream: its largest part and a report's round trip. */
  private largestPart = 0;
  private lastSent = 0;
  private roundTripMs = 0;

  constructor(
    private readonly settings: ReporterSettings,
    initial: { allowanceOut: number; leaseUntil: number; reportedAt: number },
  ) {
    this.acknowledged = initial.allowanceOut;
    this.leaseUntil = initial.leaseUntil;
    this.lastReportAt = initial.reportedAt;
    this.startedAt = initial.reportedAt;
  }

  /** Whether `sent` output tokens fit the acknowledged allowance. */
  covers(sent: number): boolean {
    return sent <= this.acknowledged;
  }

  /** The allowance to ask for when `sent` tokens are (about to be) out. */
  private allowanceFor(sent: number): number {
    return Math.min(this.settings.maxOutputTokens, Math.max(this.acknowledged, sent + this.settings.reportEveryTokens));
  }

  /**
   * Tokens to report ahead by: room for the next part (twice the largest so far) and for what
   * streams at the stream's rate during a report's round trip (twice), at most a quarter of an
   * interval: when answers come back slowly (a busy store, or a busy process reading them late)
   * the stream pauses at its allowance instead of reporting more often, which would add to both.
   */
  private lead(sent: number): number {
    const elapsedMs = this.settings.clock() - this.startedAt;
    const streamedPerRoundTrip = elapsedMs > 0 ? (sent / elapsedMs) * this.roundTripMs : 0;
    return Math.min(this.settings.reportEveryTokens / 4, 2 * this.largestPart + Math.ceil(2 * streamedPerRoundTrip));
  }

  /** Whether to report ahead now (called after each part that sent tokens), so the stream does not wait at the allowance. */
  due(sent: number): boolean {
    this.largestPart = Math.max(this.largestPart, sent - this.lastSent);
    this.lastSent = sent;
    return (
      !this.inFlight && sent > this.acknowledged - this.lead(sent) && this.acknowledged < this.settings.maxOutputTokens
    );
  }

  /** Sends one report (after any in flight) granting room for `sent` tokens. */
  async report(usage: TokenUsage, sent: number): Promise<ReportOutcome> {
    while (this.inFlight) await this.inFlight;
    const { store, userId, sessionId, clock, leaseMs } = this.settings;
    const now = clock();
    const report: UsageReport = {
      leaseUntil: now + leaseMs,
      reportedIn: usage.inputTokens,
      reportedOut: usage.outputTokens,
      allowanceOut: this.allowanceFor(sent),
      now,
    };
    this.lastReportAt = now;
    const sending = store.report(userId, sessionId, report).then(
      (answer): ReportOutcome => {
        this.roundTripMs = clock() - now;
        if (answer.state === 'live') {
          this.acknowledged = Math.max(this.acknowledged, report.allowanceOut);
          this.leaseUntil = report.leaseUntil;
        }
        return answer;
      },
      (): ReportOutcome => ({ state: 'failed' }),
    );
    this.inFlight = sending;
    try {
      return await sending;
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Waits for a report in flight (before settling). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }
}
