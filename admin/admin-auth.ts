// Who may call the admin API. In AWS the Function URL uses AWS_IAM auth, so a request
// that reaches the function was SigV4-signed; its caller comes from the event. Locally
// (and where configured) a bearer admin token, compared in constant time. A chat user's
// JWT is never an admin credential.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { httpError } from '../functions/http/errors.js';

export interface AdminAuthConfig {
  /** Accept callers authenticated by the Function URL's AWS_IAM auth. */
  trustIam: boolean;
  /** A shared admin token; absent disables token auth. */
  token?: string;
}

interface IamIdentity {
  userArn?: string;
  callerId?: string;
  accessKey?: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function iamCaller(request: FastifyRequest): IamIdentity | undefined {
  const event = (
    request as FastifyRequest & { awsLambda?: { event?: { requestContext?: { authorizer?: { iam?: IamIdentity } } } } }
  ).awsLambda?.event;
  return event?.requestContext?.authorizer?.iam;
}

/** Returns the actor a change is recorded under, or throws 401. */
export function authenticateAdmin(config: AdminAuthConfig, request: FastifyRequest): string {
  if (config.trustIam) {
    const iam = iamCaller(request);
    if (iam) return iam.userArn ?? `iam:${iam.callerId ?? iam.accessKey ?? 'unknown'}`;
  }
  const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  // Hashing first gives equal lengths, so the comparison time does not depend on the token.
  if (config.token && presented && timingSafeEqual(digest(presented), digest(config.token))) {
    const named = request.headers['x-admin-actor'];
    return `token:${typeof named === 'string' && named ? named.slice(0, 100) : 'admin'}`;
  }
  throw httpError(401, 'unauthorized', 'admin credentials required (SigV4 in AWS, or the admin bearer token)', {
    headers: { 'www-authenticate': 'Bearer realm="admin"' },
  });
}
