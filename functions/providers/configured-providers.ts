// Which providers this deployment can call right now: a built-in with its key (or, for
// `local`, its URL), a declared one with its key. The playground greys out the others.
import type { ProviderSettings } from './language-models.js';

export function providerConfigured(settings: ProviderSettings, provider: string): boolean {
  switch (provider) {
    case 'openai':
      return Boolean(settings.providerKeys.openai);
    case 'groq':
      return Boolean(settings.providerKeys.groq);
    case 'local':
      return Boolean(settings.localModelUrl);
    default:
      return Boolean(
        settings.compatibleProviders &&
          Object.hasOwn(settings.compatibleProviders, provider) &&
          settings.compatibleProviders[provider]?.apiKey,
      );
  }
}
