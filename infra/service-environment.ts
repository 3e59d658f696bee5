// The environment every function shares: table names, model catalog, auth settings and
// where the secrets are. Names and settings only; secrets stay in Secrets Manager.
import type * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from './config.js';
import type { Tables } from './tables.js';

export function serviceEnvironment(
  settings: StackConfig,
  tables: Tables,
  secret: aws.secretsmanager.Secret,
): pulumi.Output<Record<string, string>> {
  return pulumi.all([tables.tiers.name, tables.credits.name, tables.sessions.name, secret.arn]).apply(
    ([tiers, credits, sessions, secretsArn]): Record<string, string> => ({
      TIERS_TABLE: tiers,
      CREDITS_TABLE: credits,
      SESSIONS_TABLE: sessions,
      SECRETS_ARN: secretsArn,
      MODEL_CATALOG: JSON.stringify(settings.models),
      DEFAULT_TIER: settings.throttle.defaultTier,
      SIGNUP_CREDITS: String(settings.throttle.signupCredits),
      HEARTBEAT_MS: String(settings.throttle.heartbeatMs),
      THROTTLE_FAIL_OPEN: String(settings.throttle.failOpen),
      JWT_AUDIENCE: settings.auth.audience,
      DEPLOY_ENV: settings.environment,
      AUTH_ALLOW_HS256: String(settings.auth.allowSharedSecret),
      ...(settings.auth.issuer ? { JWT_ISSUER: settings.auth.issuer } : {}),
      ...(settings.auth.jwksUrl ? { JWT_JWKS_URL: settings.auth.jwksUrl } : {}),
      POWERTOOLS_METRICS_NAMESPACE: 'StreamingAI',
      LOG_LEVEL: 'INFO',
    }),
  );
}
