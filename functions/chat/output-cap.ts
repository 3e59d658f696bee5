// Caps every model call of a stream at the output tokens the stream has left: the
// provider then stops generating (and billing) at the limit itself, and a tool loop's
// later calls ask only for what the earlier ones left.
import { type LanguageModel, wrapLanguageModel } from 'ai';

export function capOutputPerCall(model: LanguageModel, remaining: () => number): LanguageModel {
  if (typeof model === 'string') return model;
  return wrapLanguageModel({
    model,
    middleware: {
      transformParams: async ({ params }) => {
        const left = Math.max(1, remaining());
        return { ...params, maxOutputTokens: Math.min(params.maxOutputTokens ?? left, left) };
      },
    },
  });
}
