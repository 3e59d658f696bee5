// The dev server cannot be turned against the developer's machine: the local model
// bounds what one request can make it generate, and the playground hands out dev tokens
// only under `npm run dev`, only to clients on this machine asking for it by name.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { startLocalModelServer, type LocalModelServer } from '../../local/model/local-model-server.js';
import { tokensOf } from '../../local/model/knobs.js';
import { registerPlayground } from '../../local/playground/serve-playground.js';
import { isLocalClient } from '../../local/playground/local-client.js';
import { useLocalStack } from '../helpers/local-stack.js';

describe('local model', () => {
  let model: LocalModelServer;
  let capped: LocalModelServer;
  beforeAll(async () => {
    model = await startLocalModelServer(0, { tokensPerSecond: 0 });
    capped = await startLocalModelServer(0, { tokensPerSecond: 0, limits: { maxWords: 50 } });
  });
  afterAll(async () => {
    await model?.close();
    await capped?.close();
  });

  const complete = (server: LocalModelServer, text: string, extra: Record<string, unknown> = {}) =>
    fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local-small', messages: [{ role: 'user', content: text }], ...extra }),
    });

  it.each([
    ['400000000 words', 'asks for 400000000 words; the local model writes at most 100000'],
    ['fail after 400000000 words', 'asks for 400000000 words'],
    [`${'9'.repeat(400)} words`, 'asks for Infinity words'],
    ['force call tool t {} 1000000 times', 'asks for 1000000 tool calls; the local model makes at most 100'],
  ])('answers %j with a 400 instead of generating it', async (text, message) => {
    const { requests, completed } = model.stats;
    const response = await complete(model, text, { stream: true });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { type: 'invalid_request_error', message: expect.stringContaining(message) },
    });
    expect(model.stats.requests).toBe(requests + 1);
    expect(model.stats.completed).toBe(completed);
  });

  it('makes answer tokens as it sends them, never the whole answer at once', () => {
    const tokens = tokensOf({ kind: 'words', count: 400_000_000 })[Symbol.iterator]();
    expect([tokens.next().value, tokens.next().value, tokens.next().value]).toEqual(['w1', ' w2', ' w3']);
  });

  it('never writes more than its cap, whatever max_tokens asks for', async () => {
    const words = Array.from({ length: 80 }, (_, i) => `x${i}`).join(' ');
    for (const stream of [true, false]) {
      const { tokensSent } = capped.stats;
      const response = await complete(capped, `echo: ${words}`, { stream, max_tokens: 1_000_000_000_000 });
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(capped.stats.tokensSent - tokensSent).toBe(50);
      expect(body).toContain('"finish_reason":"length"');
    }
  });

  it('honours max_tokens and max_completion_tokens below the cap', async () => {
    for (const limit of [{ max_tokens: 5 }, { max_completion_tokens: 5 }]) {
      const { tokensSent } = capped.stats;
      const response = await complete(capped, '50 words', { stream: true, ...limit });
      expect(await response.text()).toContain('"finish_reason":"length"');
      expect(capped.stats.tokensSent - tokensSent).toBe(5);
    }
  });
});

describe('playground dev tokens', () => {
  const stack = useLocalStack({ sweepIntervalMs: 0 });

  it('are not served by a stack that did not ask for them (every test stack, AWS)', async () => {
    const page = await fetch(`${stack().url}/`);
    expect(page.status).toBe(200);
    // The route does not exist: the server answers as for any unknown path, with no token.
    const tokens = await fetch(`${stack().url}/playground/config.json`);
    const unknown = await fetch(`${stack().url}/playground/no-such-file.json`);
    expect(tokens.status).toBe(unknown.status);
    expect(tokens.status).not.toBe(200);
    expect(await tokens.text()).not.toContain('token"');
  });

  describe('when turned on', () => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = Fastify();
      registerPlayground(app, { jwtSecret: randomBytes(32).toString('base64url'), devTokens: true });
      await app.ready();
    });
    afterAll(() => app?.close());

    const ask = (remoteAddress: string, host: string, headers: Record<string, string> = {}) =>
      app.inject({
        method: 'GET',
        url: '/playground/config.json?user=alice',
        remoteAddress,
        headers: { host, ...headers },
      });

    it.each([
      ['127.0.0.1', '127.0.0.1:3000'],
      ['::1', 'localhost:3000'],
      ['::ffff:127.0.0.1', '[::1]:3000'],
    ])('give a client at %s asking for %s a token', async (remoteAddress, host) => {
      const response = await ask(remoteAddress, host);
      expect(response.statusCode).toBe(200);
      expect(decodeJwt(response.json<{ token: string }>().token).sub).toBe('alice');
    });

    it.each([
      ['another machine', '192.0.2.7', '127.0.0.1:3000', {}],
      [
        'another machine claiming to be forwarded for loopback',
        '192.0.2.7',
        '127.0.0.1:3000',
        { 'x-forwarded-for': '127.0.0.1' },
      ],
      ['a page whose name was rebound to 127.0.0.1', '127.0.0.1', 'evil.example:3000', {}],
    ])('refuse %s with 403 and no token', async (_, remoteAddress, host, headers) => {
      const response = await ask(remoteAddress, host, headers);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: { type: 'forbidden', message: expect.any(String) } });
      expect(response.body).not.toContain('token"');
    });

    it.each([
      [{ remoteAddress: '127.0.0.1', host: 'localhost' }, true],
      [{ remoteAddress: '127.0.0.2', host: '127.0.0.1:80' }, true],
      [{ remoteAddress: '10.0.0.8', host: 'localhost' }, false],
      [{ remoteAddress: '::ffff:192.0.2.7', host: 'localhost' }, false],
      [{ remoteAddress: undefined, host: 'localhost' }, false],
      [{ remoteAddress: '127.0.0.1', host: 'localhost.evil.example' }, false],
      [{ remoteAddress: '127.0.0.1', host: undefined }, false],
    ])('decide %j is local: %s', (facts, expected) => {
      expect(isLocalClient(facts)).toBe(expected);
    });
  });

  describe('under npm run dev', () => {
    let dev: ChildProcess | undefined;
    let playground = '';
    beforeAll(async () => {
      dev = spawn(join('node_modules', '.bin', 'tsx'), ['local/dev.ts'], {
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DYNAMODB_IN_MEMORY: 'true' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      dev.stdout!.setEncoding('utf8');
      for await (const chunk of dev.stdout!) {
        output += chunk;
        const url = /Playground\s+(http:\/\/\S+?)\/\s/.exec(output);
        if (url && output.includes('Press Ctrl+C')) {
          playground = url[1]!;
          break;
        }
      }
    }, 60_000);
    afterAll(async () => {
      if (dev && dev.exitCode === null) {
        const exited = once(dev, 'exit');
        dev.kill('SIGTERM');
        await exited;
      }
    });

    it('are given to this machine', async () => {
      const response = await fetch(`${playground}/playground/config.json?user=dev-user`);
      expect(response.status).toBe(200);
      expect(decodeJwt(((await response.json()) as { token: string }).token).sub).toBe('dev-user');
    });
  });
});
