// Resolves a catalog model to an AI SDK language model. `local` is the real OpenAI
// provider pointed at any OpenAI-compatible server (the bundled local model, Ollama,
// vLLM, llama.cpp) through its chat-completions endpoint.
import { createOpenAI } from '@ai-sdk/openai';
import { createGroq } from '@ai-sdk/groq';
import type { LanguageModel } from 'ai';
import { httpError } from '../http/errors.js';
import type { ModelRef, ProviderName } from '../shared/catalog.js';

export interface ProviderSettings {
  providerKeys: { openai?: string; groq?: string };
  localModelUrl?: string;
}

export type LanguageModelResolver = (ref: ModelRef) => LanguageModel;

const notConfigured = (provider: ProviderName, what: string) =>
  httpError(503, 'provider_unavailable', `provider "${provider}" is not configured on this deployment (${what})`);

export function createLanguageModelResolver(settings: ProviderSettings): LanguageModelResolver {
  const { openai: openaiKey, groq: groqKey } = settings.providerKeys;
  const openai = openaiKey ? createOpenAI({ apiKey: openaiKey }) : undefined;
  const groq = groqKey ? createGroq({ apiKey: groqKey }) : undefined;
  const local = settings.localModelUrl
    ? createOpenAI({ baseURL: settings.localModelUrl, apiKey: 'local-no-key', name: 'local' })
    : undefined;

  return (ref) => {
    switch (ref.provider) {
      case 'openai':
        if (!openai) throw notConfigured('openai', 'no API key');
        return openai(ref.modelId);
      case 'groq':
        if (!groq) throw notConfigured('groq', 'no API key');
        return groq(ref.modelId);
      case 'local':
        if (!local) throw notConfigured('local', 'no LOCAL_MODEL_URL');
        return local.chat(ref.modelId);
    }
  };
}
