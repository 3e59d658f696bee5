// The environment every function shares: table names, model catalog, auth settings and
// the deployment's name. Names and settings only; each function that reads a secret gets
// its own secret's ARN (lambda-function.ts), and the secrets stay in Secrets Manager.
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import type { Tables } from './tables.js';
import { metricsNamespace } from '../functions/shared/metrics.js';

export function serviceEnvironment(settings: StackConfig, tables: Tables): pulumi.Output<Record<string, string>> {
  return pulumi.all([tables.tiers.name, tables.credits.name, tables.sessions.name]).apply(
    ([tiers, credits, sessions]): Record<string, string> => ({
      DEPLOY_ENV: settings.environment,
      TIERS_TABLE: tiers,
      CREDITS_TABLE: credits,
      SESSIONS_TABLE: sessions,
      // The catalog the stored one is seeded from (and used until it is), and the declared providers (no keys).
      MODEL_CATALOG: JSON.stringify(settings.models),
      MODEL_PROVIDERS: JSON.stringify(
        Object.fromEntries(Object.entries(settings.providers).map(([name, { baseUrl }]) => [name, { baseUrl }])),
      ),
      DEFAULT_TIER: settings.throttle.defaultTier,
      SIGNUP_CREDITS: String(settings.throttle.signupCredits),
      STREAM_TIMEOUT_SECONDS: String(settings.streamTimeoutSeconds),
      // The stream function's reserved concurrency: what load is measured against.
      STREAM_CAPACITY: String(settings.reservedConcurrency),
      THROTTLE_FAIL_OPEN: String(settings.throttle.failOpen),
      JWT_AUDIENCE: settings.auth.audience,
      ...(settings.auth.issuer ? { JWT_ISSUER: settings.auth.issuer } : {}),
      ...(settings.auth.jwksUrl ? { JWT_JWKS_URL: settings.auth.jwksUrl } : {}),
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
      LOG_LEVEL: 'INFO',
    }),
  );
}
