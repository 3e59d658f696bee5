// Service configuration, read once per container from the environment and validated,
// so a misconfigured deployment fails at cold start with a clear message.
import { z } from 'zod';
import { catalogProblems, modelCatalogSchema, defaultModelCatalog, type ModelCatalog } from './shared/catalog.js';
import {
  knownProviders,
  providerApiKeyVariable,
  providerDeclarationsSchema,
  type ProviderDeclarations,
} from './shared/providers.js';
import { parseUrlAllowlist } from './attachments/url-allowlist.js';
import type { AttachmentSettings } from './attachments/attachment-survey.js';
import { maxBalance } from './throttle/account.js';

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/** A JSON document in a variable, then validated with `schema`. */
const jsonVariable = <T extends z.ZodType>(name: string, schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} is not valid JSON` });
        return z.NEVER;
      }
    })
    .pipe(schema);

const environmentSchema = z.object({
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  JWT_JWKS_URL: z.url().optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  GROQ_API_KEY: z.string().min(1).optional(),
  LOCAL_MODEL_URL: z.url().optional(),
  // The catalog the store is seeded with (and used while the store has none).
  MODEL_CATALOG: jsonVariable('MODEL_CATALOG', modelCatalogSchema).optional(),
  // OpenAI-compatible providers declared by name: {"deepinfra":{"baseUrl":"https://..."}}; keys in <NAME>_API_KEY.
  MODEL_PROVIDERS: jsonVariable('MODEL_PROVIDERS', providerDeclarationsSchema).default({}),
  TIERS_TABLE: z.string().min(1).default('tiers'),
  CREDITS_TABLE: z.string().min(1).default('credits'),
  SESSIONS_TABLE: z.string().min(1).default('sessions'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  THROTTLE_ENABLED: booleanFlag.default(true),
  THROTTLE_FAIL_OPEN: booleanFlag.default(false),
  DEFAULT_TIER: z.string().min(1).default('free'),
  // A new account's balance: within the largest balance, like every other credit.
  SIGNUP_CREDITS: z.coerce.number().int().nonnegative().max(maxBalance).default(0),
  TIER_CACHE_MS: z.coerce.number().int().nonnegative().default(30_000),
  // The stream function's reserved concurrency: load is measured against it (unset: no shedding).
  STREAM_CAPACITY: z.coerce.number().int().positive().optional(),
  LOAD_REPORT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  CORS_ORIGINS: z.string().default('*'),
  STREAM_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(900).optional(),
  TOOLS_ENABLED: booleanFlag.default(true),
  // Signs tool confirmations; required while tools are enabled (checked where the chat stream is built).
  TOOL_APPROVAL_SECRET: z.string().min(32, 'TOOL_APPROVAL_SECRET must be at least 32 characters').optional(),
  MAX_TOOL_CONFIRMATIONS: z.coerce.number().int().min(1).max(100).default(8),
  // Which deployment this is; `prod` holds the service to its stricter rules.
  DEPLOY_ENV: z.enum(['local', 'dev', 'prod']).default('local'),
  // Prod verifies tokens against JWKS; a shared HS256 secret there is an explicit opt-in.
  AUTH_ALLOW_HS256: booleanFlag.default(false),
  // Attachments (UI `file` parts): URLs only from these hosts (none when empty), sizes capped.
  ATTACHMENT_URL_ALLOWLIST: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseUrlAllowlist(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  ATTACHMENTS_MAX_TOTAL_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  ATTACHMENT_MAX_URLS: z.coerce.number().int().nonnegative().max(100).default(8),
  ATTACHMENT_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(10_000),
});

/** Rules between variables, checked after each one is valid on its own. */
const checkedEnvironmentSchema = environmentSchema.superRefine((e, ctx) => {
  if (e.DEPLOY_ENV === 'prod' && e.JWT_SECRET && !e.JWT_JWKS_URL && !e.AUTH_ALLOW_HS256) {
    ctx.addIssue({
      code: 'custom',
      path: ['JWT_SECRET'],
      message: 'prod verifies tokens with JWT_JWKS_URL; a shared secret needs AUTH_ALLOW_HS256=true',
    });
  }
  for (const [provider, message] of Object.entries(
    catalogProblems(e.MODEL_CATALOG ?? defaultModelCatalog, knownProviders(e.MODEL_PROVIDERS)),
  )) {
    ctx.addIssue({ code: 'custom', path: ['MODEL_CATALOG', provider], message });
  }
  if (e.ATTACHMENT_MAX_BYTES > e.ATTACHMENTS_MAX_TOTAL_BYTES) {
    ctx.addIssue({ code: 'custom', path: ['ATTACHMENT_MAX_BYTES'], message: 'exceeds ATTACHMENTS_MAX_TOTAL_BYTES' });
  }
});

export interface AuthConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export interface ServiceConfig {
  maxBodyBytes: number;
  auth: AuthConfig;
  providerKeys: { openai?: string; groq?: string };
  /** Declared OpenAI-compatible providers, with their API keys where the secret has one. */
  compatibleProviders: Record<string, { baseUrl: string; apiKey?: string }>;
  /** What the deployment declared (no keys): which providers a catalog may name. */
  providers: ProviderDeclarations;
  tools: { enabled: boolean; approvalSecret?: string; maxConfirmations: number };
  localModelUrl?: string;
  attachments: AttachmentSettings;
  catalog: ModelCatalog;
  tables: { tiers: string; credits: string; sessions: string };
  dynamoEndpoint?: string;
  region: string;
  /** The stream function's timeout, where known (AWS); tier edits are checked against it. */
  streamTimeoutSeconds?: number;
  throttle: {
    enabled: boolean;
    failOpen: boolean;
    defaultTier: string;
    signupCredits: number;
    tierCacheMs: number;
    capacity?: number;
    loadReportMs: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServiceConfig {
  const parsed = checkedEnvironmentSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid service configuration: ${details}`);
  }
  const e = parsed.data;
  const compatibleProviders = Object.fromEntries(
    Object.entries(e.MODEL_PROVIDERS).map(([name, declared]) => [
      name,
      { baseUrl: declared.baseUrl, apiKey: env[providerApiKeyVariable(name)] || undefined },
    ]),
  );
  return {
    maxBodyBytes: e.MAX_BODY_BYTES,
    auth: { secret: e.JWT_SECRET, jwksUrl: e.JWT_JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
    providerKeys: { openai: e.OPENAI_API_KEY, groq: e.GROQ_API_KEY },
    compatibleProviders,
    providers: e.MODEL_PROVIDERS,
    tools: {
      enabled: e.TOOLS_ENABLED,
      approvalSecret: e.TOOL_APPROVAL_SECRET,
      maxConfirmations: e.MAX_TOOL_CONFIRMATIONS,
    },
    localModelUrl: e.LOCAL_MODEL_URL,
    attachments: {
      allowlist: e.ATTACHMENT_URL_ALLOWLIST,
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      maxTotalBytes: e.ATTACHMENTS_MAX_TOTAL_BYTES,
      maxUrls: e.ATTACHMENT_MAX_URLS,
      fetchTimeoutMs: e.ATTACHMENT_FETCH_TIMEOUT_MS,
    },
    catalog: e.MODEL_CATALOG ?? defaultModelCatalog,
    tables: { tiers: e.TIERS_TABLE, credits: e.CREDITS_TABLE, sessions: e.SESSIONS_TABLE },
    dynamoEndpoint: e.DYNAMODB_ENDPOINT,
    region: e.AWS_REGION,
    streamTimeoutSeconds: e.STREAM_TIMEOUT_SECONDS,
    throttle: {
      enabled: e.THROTTLE_ENABLED,
      failOpen: e.THROTTLE_FAIL_OPEN,
      defaultTier: e.DEFAULT_TIER,
      signupCredits: e.SIGNUP_CREDITS,
      tierCacheMs: e.TIER_CACHE_MS,
      capacity: e.STREAM_CAPACITY,
      loadReportMs: e.LOAD_REPORT_MS,
    },
  };
}
