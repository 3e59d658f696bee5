// Counts a stream's tokens as its parts go by: provider-reported usage for finished
// steps, the model family's tokenizer for the step still streaming (or cut off).
import type { StreamPart } from '../chat/stream-gate.js';
import type { TokenCounter } from '../tokens/token-counter.js';

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

  constructor(
    private readonly promptTokens: number,
    private readonly counter: TokenCounter,
  ) {}

  /** Tokens a part adds to the output, or 0 for parts that carry no generated tokens. */
  tokensOf(part: StreamPart): number {
    switch (part.type) {
      case 'text-delta':
      case 'reasoning-delta':
        return this.counter.count(part.text);
      case 'tool-input-delta':
        return this.counter.count(part.delta);
      default:
        return 0;
    }
  }

  /** Counts a part; `tokens` is its `tokensOf`, when the caller already has it. */
  observe(part: StreamPart, tokens = this.tokensOf(part)): void {
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
    } else if (tokens > 0) {
      this.currentStarted = true;
      this.currentOutput += tokens;
    }
  }

  /** Input of the step in flight: the prompt first, then the conversation so far. */
  private currentInputEstimate(): number {
    return this.lastStep ? this.lastStep.inputTokens + this.lastStep.outputTokens : this.promptTokens;
  }

  /** Usage so far, counting the unfinished step by the tokenizer. */
  get usage(): TokenUsage {
    if (!this.currentStarted) return { ...this.reported };
    return {
      inputTokens: this.reported.inputTokens + this.currentInputEstimate(),
      outputTokens: this.reported.outputTokens + this.currentOutput,
    };
  }

  /** Usage once the step this output belongs to has started: what a limit is checked against. */
  get usageInStep(): TokenUsage {
    return {
      inputTokens: this.reported.inputTokens + this.currentInputEstimate(),
      outputTokens: this.reported.outputTokens + this.currentOutput,
    };
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
