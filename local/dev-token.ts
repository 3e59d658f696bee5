// Dev bearer tokens, signed with the local HS256 secret. The secret is generated on first
// use and kept in .local-data/ (git-ignored), never in code.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { defaultChatAudience } from '../functions/auth/bearer-auth.js';

export const localDataDir = join(import.meta.dirname, '..', '.local-data');

export function devJwtSecret(dir = localDataDir): string {
  const file = join(dir, 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

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
