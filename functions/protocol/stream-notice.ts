// Facts the service tells the client alongside the answer. Each protocol encodes them its
// own way: a degradation is known before the first token, the others arrive mid-stream.
interface ModelDegradedNotice {
  type: 'model_degraded';
  requestedModel: string;
  model: string;
  message: string;
}

/** The stream has used a share of one of its limits; what is left of each. */
export interface BudgetWarningNotice {
  type: 'budget_warning';
  /** The limit closest to being reached. */
  limit: string;
  /** Share of that limit used (0..1). */
  used: number;
  remaining: { outputTokens: number; credits: number; seconds: number };
  message: string;
}

/** Output is being slowed to stay under the tokens-per-minute limit instead of being cut. */
export interface PacingNotice {
  type: 'pacing';
  tokensPerMinute: number;
  message: string;
}

export type StreamNotice = ModelDegradedNotice | BudgetWarningNotice | PacingNotice;

/** A notice raised while streaming, travelling with the parts to the encoder. */
export interface NoticePart {
  type: 'notice';
  notice: BudgetWarningNotice | PacingNotice;
}
