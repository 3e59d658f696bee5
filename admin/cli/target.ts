// Which admin API the CLI talks to, and with what credentials: --url, then $ADMIN_URL,
// then the URL a running `npm run dev` wrote to its data directory, then the default
// port. Function URLs of a deployed stack are signed with SigV4 (the AWS credential
// chain); anything else gets the admin bearer token.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDataDir, readDevServerInfo } from '../../local/local-data.js';
import { AdminClient, regionOfFunctionUrl, type AdminAuth } from './admin-client.js';
import { UsageError } from './command.js';

export interface TargetOptions {
  url?: string;
  token?: string;
  sigv4?: boolean;
  region?: string;
  actor?: string;
}

export interface Target {
  client: AdminClient;
  url: URL;
  /** Where the URL came from, said when a call fails. */
  source: string;
  auth: AdminAuth['kind'];
}

function locate(options: TargetOptions, env: Record<string, string | undefined>): { url: string; source: string } {
  if (options.url) return { url: options.url, source: '--url' };
  if (env.ADMIN_URL) return { url: env.ADMIN_URL, source: '$ADMIN_URL' };
  const dev = readDevServerInfo(localDataDir(env));
  if (dev) return { url: dev.adminUrl, source: `${dev.file}, written by npm run dev (pid ${dev.pid})` };
  return { url: `http://127.0.0.1:${env.PORT ?? 3000}/admin`, source: 'the default local URL (no npm run dev found)' };
}

export function resolveTarget(options: TargetOptions, env: Record<string, string | undefined> = process.env): Target {
  const { url: text, source } = locate(options, env);
  const url = URL.parse(text);
  if (!url) throw new UsageError(`not a URL: ${text} (from ${source})`);
  const lambdaRegion = regionOfFunctionUrl(url);
  if (options.sigv4 || lambdaRegion) {
    const region = options.region ?? lambdaRegion ?? env.AWS_REGION;
    if (!region) throw new UsageError('--sigv4 needs --region or AWS_REGION');
    return { client: new AdminClient(url, { kind: 'sigv4', region }), url, source, auth: 'sigv4' };
  }
  const tokenFile = join(localDataDir(env), 'dev-admin-token');
  const token =
    options.token || env.ADMIN_TOKEN || (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  if (!token) throw new UsageError('no admin token: pass --token, set ADMIN_TOKEN, or run `npm run dev` once');
  const auth: AdminAuth = { kind: 'token', token, actor: options.actor ?? env.USER };
  return { client: new AdminClient(url, auth), url, source, auth: 'token' };
}
