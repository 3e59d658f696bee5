// The admin CLI drives a real local server, and signs requests for deployed stacks with
// SigV4 in a form a verifier accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { useLocalStack } from '../helpers/local-stack.js';
import { runAdminCli } from '../helpers/admin-cli.js';

const stack = useLocalStack({ sweepIntervalMs: 0, environment: { SIGNUP_CREDITS: '0' } });

const cli = (args: string[], env: Record<string, string> = {}) =>
  runAdminCli(args, { ADMIN_URL: stack().adminUrl, ADMIN_TOKEN: stack().adminToken, ...env });

describe('admin CLI against the local server', () => {
  it('lists tiers as a table', async () => {
    const { code, stdout } = await cli(['tiers', 'list']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^name\s+requestsPerHour\s+burst/);
    expect(stdout).toMatch(/^enterprise\s+1000\s+100\s/m);
  });

  it('assigns a tier, grants credits idempotently and shows them, also as JSON', async () => {
    const user = `cli-${randomUUID().slice(0, 8)}`;
    expect((await cli(['user', 'set-tier', user, 'pro'])).stdout).toMatch(/^tier\s+pro$/m);
    const grant = await cli(['credits', 'grant', user, '5000', '--reason', 'trial', '--key', `trial-${user}`]);
    expect(grant.stdout).toMatch(/^applied: 5000 \(trial\)/);
    const retry = await cli(['credits', 'grant', user, '5000', '--reason', 'trial', '--key', `trial-${user}`]);
    expect(retry.stdout).toMatch(/^replayed: 5000/);
    const json = await cli(['user', 'get', user, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ userId: user, tier: 'pro', balance: 5000 });
    const ledger = await cli(['ledger', user]);
    expect(ledger.stdout).toMatch(/grant\s+5000\s+trial/);
  });

  it('exits 1 with the API error on a refused request and 2 on a usage error', async () => {
    const missing = await cli(['tiers', 'get', 'no-such-tier']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error 404 not_found');
    const bad = await cli(['credits', 'grant', 'someone', '12']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('missing --reason');
    const unauthorized = await cli(['tiers', 'list'], { ADMIN_TOKEN: 'wrong-token-wrong-token-wrong' });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toContain('error 401 unauthorized');
  });
});

describe('admin CLI SigV4 signing', () => {
  let server: FastifyInstance;
  let url: string;
  const seen: Array<{ method: string; url: string; headers: Record<string, string>; body: string }> = [];
  beforeAll(async () => {
    server = Fastify();
    server.removeAllContentTypeParsers();
    server.addContentTypeParser('*', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    server.all('/*', async (request) => {
      seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers as Record<string, string>,
        body: (request.body as string) ?? '',
      });
      return { outcome: 'applied', entry: { amount: 1, reason: 'r', idempotencyKey: 'k' }, balance: 1, available: 1 };
    });
    url = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('sends a request whose SigV4 signature (service lambda) verifies against what arrived', async () => {
    const credentials = {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    };
    const result = await cli(
      [
        'credits',
        'grant',
        'u1',
        '1',
        '--reason',
        'r',
        '--key',
        'key-000001',
        '--sigv4',
        '--region',
        'eu-west-1',
        '--url',
        `${url}/admin`,
      ],
      credentials,
    );
    expect(result.code).toBe(0);
    const received = seen.at(-1)!;
    expect(received.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(received.headers['x-amz-content-sha256'] ?? received.headers['x-amz-date']).toBeDefined();

    // Recompute the signature from the request as received, as AWS would.
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(received.headers.authorization!)![1]!.split(';');
    const parsed = new URL(received.url, url);
    const verifier = new SignatureV4({
      service: 'lambda',
      region: 'eu-west-1',
      sha256: Sha256,
      credentials: { accessKeyId: credentials.AWS_ACCESS_KEY_ID, secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY },
    });
    const amzDate = received.headers['x-amz-date']!;
    const signingDate = new Date(
      `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
    );
    const expected = await verifier.sign(
      new HttpRequest({
        method: received.method,
        protocol: 'http:',
        hostname: parsed.hostname,
        port: Number(parsed.port),
        path: parsed.pathname,
        query: Object.fromEntries(parsed.searchParams),
        headers: Object.fromEntries(signedHeaders.map((h) => [h, received.headers[h]!])),
        body: received.body,
      }),
      { signingDate },
    );
    expect(received.headers.authorization).toBe(expected.headers.authorization);
    expect(JSON.parse(received.body)).toEqual({ amount: 1, reason: 'r', idempotencyKey: 'key-000001' });
  });
});
