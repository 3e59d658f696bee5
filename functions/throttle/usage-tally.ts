// Counts a stream's tokens as its parts go by: provider-reported usage for finished
// steps, the monitor's estimate for the step still streaming (or cut off).
import { estimateTokens } from '../chat/token-estimate.js';
import type { StreamPart } from '../chat/stream-gate.js';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export class UsageTally {
  private reported: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  private stepsReported = 0;
  private lastStep: TokenUsage | undefined;
  private currentOutput = 0;
  private currentStarted = false;

  constructor(private readonly promptEstimate: number) {}

  /** Estimated tokens a part adds to the output, or 0 for parts that carry no generated tokens. */
  static outputTokensOf(part: StreamPart): number {
    switch (part.type) {
      case 'text-delta':
      case 'reasoning-delta':
        return estimateTokens(part.text);
      case 'tool-input-delta':
        return estimateTokens(part.delta);
      default:
        return 0;
    }
  }

  observe(part: StreamPart): void {
    if (part.type === 'start-step') {
      this.currentStarted = true;
      this.currentOutput = 0;
    } else if (part.type === 'finish-step') {
      const step = {
        inputTokens: part.usage.inputTokens ?? this.currentInputEstimate(),
        outputTokens: part.usage.outputTokens ?? this.currentOutput,
      };
      this.reported = {
        inputTokens: this.reported.inputTokens + step.inputTokens,
        outputTokens: this.reported.outputTokens + step.outputTokens,
      };
      this.stepsReported += 1;
      this.lastStep = step;
      this.currentStarted = false;
      this.currentOutput = 0;
    } else {
      const tokens = UsageTally.outputTokensOf(part);
      if (tokens > 0) {
        this.currentStarted = true;
        this.currentOutput += tokens;
      }
    }
  }

  /** Input of the step in flight: the prompt first, then the conversation so far. */
  private currentInputEstimate(): number {
    return this.lastStep ? this.lastStep.inputTokens + this.lastStep.outputTokens : this.promptEstimate;
  }

  /** Usage so far, counting the unfinished step by estimate. */
  get usage(): TokenUsage {
    if (!this.currentStarted) return { ...this.reported };
    return {
      inputTokens: this.reported.inputTokens + this.currentInputEstimate(),
      outputTokens: this.reported.outputTokens + this.currentOutput,
    };
  }

  /** Output of the current step alone (what the provider's per-step cap applies to). */
  get stepOutputTokens(): number {
    return this.currentOutput;
  }

  /** 'provider' when every token counted came from provider usage. */
  get source(): 'provider' | 'estimate' {
    return this.currentStarted || this.stepsReported === 0 ? 'estimate' : 'provider';
  }

  /** Whether the model produced anything (if not, nothing is charged). */
  get producedOutput(): boolean {
    return this.stepsReported > 0 || this.currentOutput > 0;
  }
}
