// HTTP client of the admin API for the CLI: a bearer token locally, or SigV4 (service
// `lambda`) with the standard AWS credential chain against a deployed stack's
// IAM-protected Function URL. Signing is @smithy/signature-v4's, not hand-written.
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

export type AdminAuth = { kind: 'token'; token: string; actor?: string } | { kind: 'sigv4'; region: string };

export interface AdminResponse {
  status: number;
  body: unknown;
}

/** `<id>.lambda-url.<region>.on.aws` URLs are signed; the region comes from the host. */
export function regionOfFunctionUrl(url: URL): string | undefined {
  return /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname)?.[1];
}

export class AdminClient {
  private readonly signer?: SignatureV4;

  constructor(
    private readonly baseUrl: URL,
    private readonly auth: AdminAuth,
  ) {
    if (auth.kind === 'sigv4') {
      this.signer = new SignatureV4({
        service: 'lambda',
        region: auth.region,
        credentials: fromNodeProviderChain(),
        sha256: Sha256,
      });
    }
  }

  async call(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    const url = new URL(`${this.baseUrl.pathname.replace(/\/$/, '')}${path}`, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      host: url.host,
      accept: 'application/json',
      ...(payload ? { 'content-type': 'application/json' } : {}),
    };
    if (this.auth.kind === 'token') {
      headers.authorization = `Bearer ${this.auth.token}`;
      if (this.auth.actor) headers['x-admin-actor'] = this.auth.actor;
    }
    const signed = this.signer
      ? await this.signer.sign(
          new HttpRequest({
            method,
            protocol: url.protocol,
            hostname: url.hostname,
            port: url.port ? Number(url.port) : undefined,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers,
            body: payload,
          }),
        )
      : undefined;
    const response = await fetch(url, {
      method,
      headers: (signed?.headers as Record<string, string> | undefined) ?? headers,
      body: payload,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // a non-JSON answer (e.g. a gateway error page) is shown as text
    }
    return { status: response.status, body: parsed };
  }
}
