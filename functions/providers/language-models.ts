// Resolves a catalog model to an AI SDK language model. `local` is the real OpenAI
// provider pointed at any OpenAI-compatible server (the bundled local model, Ollama,
// vLLM, llama.cpp) through its chat-completions endpoint. Provider packages are imported
// when the resolver is built (at the first request) and only for configured providers,
// so a cold start's import does not evaluate them; a request awaits its provider only
// if it is still loading.
import type { LanguageModel } from 'ai';
import { httpError } from '../http/errors.js';
import type { ModelRef, ProviderName } from '../shared/catalog.js';

export interface ProviderSettings {
  providerKeys: { openai?: string; groq?: string };
  localModelUrl?: string;
}

export type LanguageModelResolver = (ref: ModelRef) => Promise<LanguageModel>;

const notConfigured = (provider: ProviderName, what: string) =>
  httpError(503, 'provider_unavailable', `provider "${provider}" is not configured on this deployment (${what})`);

/** A provider being set up in the background: a failure surfaces at the request that awaits it, never unhandled. */
function inBackground<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

export function createLanguageModelResolver(settings: ProviderSettings): LanguageModelResolver {
  const { openai: openaiKey, groq: groqKey } = settings.providerKeys;
  const { localModelUrl } = settings;
  const openaiPackage = openaiKey || localModelUrl ? import('@ai-sdk/openai') : undefined;
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
    }
  };
}
