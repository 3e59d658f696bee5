// Dev bearer tokens, signed with the local HS256 secret, and the local admin token. Both
// secrets are generated on first use and kept in the local data directory (.local-data/,
// git-ignored), never in code.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { defaultChatAudience } from '../functions/auth/bearer-auth.js';
import { localDataDir } from './local-data.js';

/** A random secret kept in .local-data/<name>, made on first use. */
function localSecret(name: string, dir: string): string {
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export const devJwtSecret = (dir = localDataDir()): string => localSecret('dev-jwt-secret', dir);

/** The local admin API's bearer token (never valid as a chat token, and vice versa). */
export const devAdminToken = (dir = localDataDir()): string => localSecret('dev-admin-token', dir);

export function signDevToken(
  secret: string,
  userId: string,
  options: { expiresIn?: string | number; audience?: string; issuer?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setAudience(options.audience ?? defaultChatAudience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  return jwt.sign(new TextEncoder().encode(secret));
}
