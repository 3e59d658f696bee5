// A prod stack that explicitly opts into verifying chat tokens with a shared HS256 secret
// (auth.allowSharedSecret) instead of JWKS: the chat function is told so, and nothing else.
import { beforeAll, describe, expect, it } from 'vitest';
import { runProgram, stackConfig, type ProgramRun } from '../helpers/pulumi-program.js';
import { expectNoPolicyViolations, expectNoSecretInPlainSight, secretDocumentOf } from '../helpers/stack-assertions.js';

const jwtSecret = 'prod-shared-jwt-secret-0123456789abcdefghijkl';
let run: ProgramRun;
beforeAll(async () => {
  const auth = JSON.parse(stackConfig('prod')['streaming-ai-throttle:auth']!) as Record<string, unknown>;
  const { jwksUrl: _jwks, ...withoutJwks } = auth;
  run = await runProgram('prod', { jwtSecret }, { auth: { ...withoutJwks, allowSharedSecret: true } });
}, 120_000);

describe('prod stack opted into a shared JWT secret', () => {
  it('passes AUTH_ALLOW_HS256=true and DEPLOY_ENV=prod to the chat function only', () => {
    const chat = run.named('chat-stream').inputs.environment.variables;
    expect(chat).toMatchObject({ AUTH_ALLOW_HS256: 'true', DEPLOY_ENV: 'prod' });
    expect(chat).not.toHaveProperty('JWT_JWKS_URL');
    for (const name of ['admin-api', 'sweeper'])
      expect(run.named(name).inputs.environment.variables).not.toHaveProperty('AUTH_ALLOW_HS256');
  });

  it("keeps the shared secret in the chat stream's secret, nowhere in plain text", () => {
    expect(secretDocumentOf(run, run.named('chat-stream-secrets'))).toMatchObject({ JWT_SECRET: jwtSecret });
    expectNoSecretInPlainSight(run, [jwtSecret]);
  });

  it('passes every policy of the pack', async () => {
    await expectNoPolicyViolations(run);
  });
});
