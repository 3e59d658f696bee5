// Resolves a catalog model to an AI SDK language model. `local` and every provider the
// deployment declares (e.g. `deepinfra`) are the real OpenAI provider pointed at an
// OpenAI-compatible server (the bundled local model, Ollama, vLLM, DeepInfra, Together)
// through its chat-completions endpoint.
import { createOpenAI } from '@ai-sdk/openai';
import { createGroq } from '@ai-sdk/groq';
import type { LanguageModel } from 'ai';
import { httpError } from '../http/errors.js';
import type { ModelRef } from '../shared/catalog.js';

export interface ProviderSettings {
  providerKeys: { openai?: string; groq?: string };
  localModelUrl?: string;
  /** Declared OpenAI-compatible providers by name; a provider without a key is not configured. */
  compatibleProviders?: Record<string, { baseUrl: string; apiKey?: string }>;
}

export type LanguageModelResolver = (ref: ModelRef) => LanguageModel;

const notConfigured = (provider: string, what: string) =>
  httpError(503, 'provider_unavailable', `provider "${provider}" is not configured on this deployment (${what})`);

export function createLanguageModelResolver(settings: ProviderSettings): LanguageModelResolver {
  const { openai: openaiKey, groq: groqKey } = settings.providerKeys;
  const openai = openaiKey ? createOpenAI({ apiKey: openaiKey }) : undefined;
  const groq = groqKey ? createGroq({ apiKey: groqKey }) : undefined;
  const local = settings.localModelUrl
    ? createOpenAI({ baseURL: settings.localModelUrl, apiKey: 'local-no-key', name: 'local' })
    : undefined;
  const compatible = new Map<string, ReturnType<typeof createOpenAI>>();

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
      default: {
        const declared =
          settings.compatibleProviders && Object.hasOwn(settings.compatibleProviders, ref.provider)
            ? settings.compatibleProviders[ref.provider]
            : undefined;
        if (!declared) throw notConfigured(ref.provider, 'not declared');
        if (!declared.apiKey) throw notConfigured(ref.provider, 'no API key');
        let provider = compatible.get(ref.provider);
        if (!provider) {
          provider = createOpenAI({ baseURL: declared.baseUrl, apiKey: declared.apiKey, name: ref.provider });
          compatible.set(ref.provider, provider);
        }
        return provider.chat(ref.modelId);
      }
    }
  };
}
