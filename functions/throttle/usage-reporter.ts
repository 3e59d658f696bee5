// Reports a stream's usage to its pending reservation, one write at a time. Reports are
// promises of the future: a report grants the stream an output allowance, and the stream
// never sends past the allowance the store has acknowledged. So if the Lambda dies, the
// reservation's last report bounds what the stream may have sent, and the sweeper
// charges exactly that bound. The next report is sent while half the allowance is still
// left, so a healthy stream does not wait for it.
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
  private inFlight?: Promise<ReportOutcome>;

  constructor(
    private readonly settings: ReporterSettings,
    initial: { allowanceOut: number; leaseUntil: number },
  ) {
    this.acknowledged = initial.allowanceOut;
    this.leaseUntil = initial.leaseUntil;
  }

  /** Whether `sent` output tokens fit the acknowledged allowance. */
  covers(sent: number): boolean {
    return sent <= this.acknowledged;
  }

  /** The allowance to ask for when `sent` tokens are (about to be) out. */
  private allowanceFor(sent: number): number {
    return Math.min(this.settings.maxOutputTokens, Math.max(this.acknowledged, sent + this.settings.reportEveryTokens));
  }

  /** Whether to report ahead now, so the stream does not wait at the allowance. */
  due(sent: number): boolean {
    return (
      !this.inFlight &&
      sent > this.acknowledged - this.settings.reportEveryTokens / 2 &&
      this.acknowledged < this.settings.maxOutputTokens
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
    const sending = store.report(userId, sessionId, report).then(
      (answer): ReportOutcome => {
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
