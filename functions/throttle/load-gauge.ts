// How loaded the service is, without a hot item: every container publishes its own count
// of active streams to one of a few load partitions every `intervalMs`, and reads the sum
// of all recent publications at the same time. Admission reads the last sum from memory
// (no request), corrected by this container's own live count. Staleness: another
// container's streams are seen up to one interval (plus a read) late, and a container that
// stopped publishing is forgotten after `forgetAfterMs` (so its last count can linger that long).
import { randomUUID } from 'node:crypto';
import type { ServiceLogger } from '../observability/logger.js';

export interface LoadReading {
  activeStreams: number;
  capacity: number;
  at: number;
}

export interface LoadPublication {
  containerId: string;
  active: number;
  capacity: number;
  at: number;
}

/** Where containers publish their load (one DynamoDB implementation). */
export interface LoadStore {
  publishLoad(publication: LoadPublication, expiresAt: number): Promise<void>;
  /** Publications made at or after `since`. */
  readLoad(since: number): Promise<LoadPublication[]>;
}

export const loadFraction = (reading: LoadReading): number =>
  reading.capacity > 0 ? reading.activeStreams / reading.capacity : 0;

export interface LoadGaugeOptions {
  store: LoadStore;
  /** The stream function's reserved concurrency (in AWS); what the load is a share of. */
  capacity: number;
  intervalMs: number;
  clock: () => number;
  logger: ServiceLogger;
}

export class LoadGauge {
  readonly containerId = randomUUID();
  private active = 0;
  private published = 0;
  private othersActive = 0;
  private readAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: LoadGaugeOptions) {}

  streamStarted(): void {
    this.active += 1;
  }

  streamEnded(): void {
    this.active = Math.max(0, this.active - 1);
  }

  /** The last aggregate, with this container's own streams counted as they are now. */
  current(): LoadReading {
    return { activeStreams: this.othersActive + this.active, capacity: this.options.capacity, at: this.readAt };
  }

  private get forgetAfterMs(): number {
    return this.options.intervalMs * 3;
  }

  /** Publishes this container's count and reads everyone's: two requests per interval, off any request's path. */
  async tick(): Promise<void> {
    const { store, clock, capacity } = this.options;
    const now = clock();
    const active = this.active;
    await store.publishLoad(
      { containerId: this.containerId, active, capacity, at: now },
      Math.ceil((now + this.forgetAfterMs) / 1000) + 60,
    );
    this.published = active;
    const publications = await store.readLoad(now - this.forgetAfterMs);
    this.othersActive = publications
      .filter((p) => p.containerId !== this.containerId)
      .reduce((sum, p) => sum + p.active, 0);
    this.readAt = now;
  }

  start(): void {
    if (this.timer) return;
    const run = () =>
      void this.tick().catch((err: unknown) =>
        this.options.logger.warn('load gauge tick failed', { error: String(err) }),
      );
    run();
    this.timer = setInterval(run, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** What this container last published (for tests and logs). */
  get lastPublished(): number {
    return this.published;
  }
}
