// Model providers are data: three built in (`openai`, `groq`, and `local`, any
// OpenAI-compatible server at LOCAL_MODEL_URL) and any OpenAI-compatible provider a
// deployment declares by name (base URL; its API key lives in the function's secret). The
// name rules, the declaration schema and the name of a provider's key variable are defined
// here once, for the service, the admin API and the stack config alike.
import { z } from 'zod';

export const builtinProviders = ['openai', 'groq', 'local'] as const;

/** Lower-case letters, digits and `-`, starting with a letter: safe in model keys, URLs and variable names. */
export const providerNamePattern = '[a-z][a-z0-9-]{0,31}';
export const providerNameSchema = z
  .string()
  .regex(
    new RegExp(`^${providerNamePattern}$`),
    'lower-case letters, digits and -, starting with a letter (at most 32)',
  );

export const compatibleProviderSchema = z.object({
  /** The provider's OpenAI-compatible API base, e.g. `https://api.deepinfra.com/v1/openai`. */
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
});

/** A record keyed by provider name; a bad name is reported under its own key, with the rule it breaks. */
export const byProvider = <T extends z.ZodType>(entry: T) =>
  z.record(z.string(), entry).superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      const checked = providerNameSchema.safeParse(name);
      if (!checked.success) ctx.addIssue({ code: 'custom', path: [name], message: checked.error.issues[0]!.message });
    }
  });

/** Providers declared by name (never a built-in name), each described by `entry`. */
export const declarationsOf = <T extends z.ZodType>(entry: T) =>
  byProvider(entry).superRefine((declared, ctx) => {
    for (const name of Object.keys(declared)) {
      if ((builtinProviders as readonly string[]).includes(name))
        ctx.addIssue({ code: 'custom', path: [name], message: `${name} is a built-in provider` });
    }
  });

/** OpenAI-compatible providers a deployment declares (the functions' MODEL_PROVIDERS). */
export const providerDeclarationsSchema = declarationsOf(compatibleProviderSchema);
export type ProviderDeclarations = z.infer<typeof providerDeclarationsSchema>;

/** Every provider name a deployment knows: the built-ins and the declared ones. */
export const knownProviders = (declared: ProviderDeclarations = {}): string[] => [
  ...builtinProviders,
  ...Object.keys(declared),
];

/** The secret (and environment) variable holding a provider's API key: `deepinfra` -> `DEEPINFRA_API_KEY`. */
export const providerApiKeyVariable = (provider: string): string =>
  `${provider.toUpperCase().replaceAll('-', '_')}_API_KEY`;

/** Matches every variable `providerApiKeyVariable` can make. */
export const providerApiKeyVariablePattern = /^[A-Z][A-Z0-9_]{0,31}_API_KEY$/;
