// Verifies the caller's bearer JWT with jose: an HS256 secret locally and in dev, or a
// JWKS URL with issuer and audience when the deployment uses an identity provider.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTVerifyResult } from 'jose';
import { httpError } from '../http/errors.js';
import { ConfigError, type AuthConfig } from '../config.js';
import { userIdSchema } from './user-id.js';

interface Caller {
  userId: string;
}

export type Authenticator = (authorizationHeader: string | undefined) => Promise<Caller>;

/** Chat tokens carry this audience unless the deployment configures its own. */
export const defaultChatAudience = 'chat';

const unauthorized = (message: string) =>
  httpError(401, 'unauthorized', message, {
    headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${message}"` },
  });

export function createAuthenticator(config: AuthConfig): Authenticator {
  if (!config.secret && !config.jwksUrl) throw new ConfigError('chat authentication needs JWT_SECRET or JWT_JWKS_URL');
  const audience = config.audience ?? defaultChatAudience;
  const options = { audience, issuer: config.issuer, requiredClaims: ['sub', 'exp'] };
  const verify: (jwt: string) => Promise<JWTVerifyResult> = config.jwksUrl
    ? (
        (jwks) => (jwt) =>
          jwtVerify(jwt, jwks, { ...options, algorithms: ['RS256', 'ES256', 'EdDSA'] })
      )(createRemoteJWKSet(new URL(config.jwksUrl)))
    : (
        (secret) => (jwt) =>
          jwtVerify(jwt, secret, { ...options, algorithms: ['HS256'] })
      )(new TextEncoder().encode(config.secret));

  return async (header) => {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw unauthorized('missing bearer token');
    let payload: JWTVerifyResult['payload'];
    try {
      ({ payload } = await verify(match[1]!));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized('token expired');
      if (err instanceof joseErrors.JOSEError) throw unauthorized('invalid token');
      throw err;
    }
    // A valid signature over a bad subject is still no identity: refuse, never coerce.
    const userId = userIdSchema.safeParse(payload.sub);
    if (!userId.success) throw unauthorized('token subject is not a valid user id');
    return { userId: userId.data };
  };
}
