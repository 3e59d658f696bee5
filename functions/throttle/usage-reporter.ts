// Reports a stream's usage to its pending reservation, one write at a time. Reports are
// promises of the future: a report grants the stream an output allowance, and the stream
// never sends past the allowance the store has acknowledged. So if the Lambda dies, the
// reservation's last report bounds what the stream may have sent, and the sweeper
// charges exactly that bound. A report goes out `lead` tokens before the allowance runs
// out and grants one interval (`reportEveryTokens`) plus that lead beyond what is sent:
// reports come once per interval, and while one is in flight the stream has the lead to
// send. The lead is what streams during a report's round trip (twice, and room for the
// next part), at most one interval: so a healthy stream does not wait for its reports,
// even when answers come back slowly (a busy store or a busy process), and a dead
// stream is charged at most two intervals (plus a part) beyond what it sent.
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
  /** What the report-ahead rule knows of the stream: its largest part and a report's (slowest recent) round trip. */
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
    // The admission was the first report: its round trip is the first estimate.
    this.roundTripMs = Math.max(0, settings.clock() - initial.reportedAt);
  }

  /** Whether `sent` output tokens fit the acknowledged allowance. */
  covers(sent: number): boolean {
    return sent <= this.acknowledged;
  }

  /** The allowance to ask for when `sent` tokens are (about to be) out: one interval and the lead beyond them. */
  private allowanceFor(sent: number): number {
    const ahead = this.settings.reportEveryTokens + this.lead(sent);
    return Math.min(this.settings.maxOutputTokens, Math.max(this.acknowledged, sent + ahead));
  }

  /**
   * Tokens to report ahead by: room for the next part (twice the largest so far) and for what
   * streams at the stream's rate during a report's round trip (twice), at most one interval
   * (which bounds a dead stream's bill). The grant carries the lead too, so reports stay once
   * per interval however slowly answers come back.
   */
  private lead(sent: number): number {
    const elapsedMs = this.settings.clock() - this.startedAt;
    const streamedPerRoundTrip = elapsedMs > 0 ? (sent / elapsedMs) * this.roundTripMs : 0;
    return Math.min(this.settings.reportEveryTokens, 2 * this.largestPart + Math.ceil(2 * streamedPerRoundTrip));
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
        // The slowest recent round trip: one slow answer is seldom alone.
        this.roundTripMs = Math.max(clock() - now, this.roundTripMs / 2);
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
