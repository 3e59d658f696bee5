// Resolves a catalog model to an AI SDK language model. `local` and every provider the
// deployment declares (e.g. `deepinfra`) are the real OpenAI provider pointed at an
// OpenAI-compatible server (the bundled local model, Ollama, vLLM, DeepInfra, Together)
// through its chat-completions endpoint. Provider packages are imported when the resolver
// is built (at the first request) and only for configured providers, so a cold start's
// import does not evaluate them; a request awaits its provider only if it is still loading.
import type { LanguageModel } from 'ai';
import type { createOpenAI } from '@ai-sdk/openai';
import { httpError } from '../http/errors.js';
import type { ModelRef } from '../shared/catalog.js';

export interface ProviderSettings {
  providerKeys: { openai?: string; groq?: string };
  localModelUrl?: string;
  /** Declared OpenAI-compatible providers by name; a provider without a key is not configured. */
  compatibleProviders?: Record<string, { baseUrl: string; apiKey?: string }>;
}

export type LanguageModelResolver = (ref: ModelRef) => Promise<LanguageModel>;

const notConfigured = (provider: string, what: string) =>
  httpError(503, 'provider_unavailable', `provider "${provider}" is not configured on this deployment (${what})`);

/** A provider being set up in the background: a failure surfaces at the request that awaits it, never unhandled. */
function inBackground<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export function createLanguageModelResolver(settings: ProviderSettings): LanguageModelResolver {
  const { openai: openaiKey, groq: groqKey } = settings.providerKeys;
  const { localModelUrl } = settings;
  const anyDeclared = Object.values(settings.compatibleProviders ?? {}).some((p) => p.apiKey);
  const openaiPackage = openaiKey || localModelUrl || anyDeclared ? import('@ai-sdk/openai') : undefined;
  const openai =
    openaiKey && openaiPackage
      ? inBackground(openaiPackage.then(({ createOpenAI }) => createOpenAI({ apiKey: openaiKey })))
      : undefined;
  const local =
    localModelUrl && openaiPackage
      ? inBackground(
          openaiPackage.then(({ createOpenAI }) =>
            createOpenAI({ baseURL: localModelUrl, apiKey: 'local-no-key', name: 'local' }),
          ),
        )
      : undefined;
  const groq = groqKey
    ? inBackground(import('@ai-sdk/groq').then(({ createGroq }) => createGroq({ apiKey: groqKey })))
    : undefined;
  const compatible = new Map<string, Promise<ReturnType<typeof createOpenAI>>>();

  return async (ref) => {
    switch (ref.provider) {
      case 'openai':
        if (!openai) throw notConfigured('openai', 'no API key');
        return (await openai)(ref.modelId);
      case 'groq':
        if (!groq) throw notConfigured('groq', 'no API key');
        return (await groq)(ref.modelId);
      case 'local':
        if (!local) throw notConfigured('local', 'no LOCAL_MODEL_URL');
        return (await local).chat(ref.modelId);
      default: {
        const declared =
          settings.compatibleProviders && Object.hasOwn(settings.compatibleProviders, ref.provider)
            ? settings.compatibleProviders[ref.provider]
            : undefined;
        if (!declared) throw notConfigured(ref.provider, 'not declared');
        if (!declared.apiKey) throw notConfigured(ref.provider, 'no API key');
        let provider = compatible.get(ref.provider);
        if (!provider) {
          const { baseUrl, apiKey } = declared;
          provider = inBackground(
            (openaiPackage ?? import('@ai-sdk/openai')).then(({ createOpenAI }) =>
              createOpenAI({ baseURL: baseUrl, apiKey, name: ref.provider }),
            ),
          );
          compatible.set(ref.provider, provider);
        }
        return (await provider).chat(ref.modelId);
      }
    }
  };
}
