// Function URL policies know a URL by the tagged function it points at, never by a name.
import { describe, expect, it } from 'vitest';
import { stackViolations } from '../helpers/policy-harness.js';
import { functionUrl, lambda, table } from '../helpers/policy-fixtures.js';
import {
  onlyStreamUrlIsPublic,
  prodCorsRestricted,
  streamUrlStreams,
} from '../../infra/policy/function-url-policies.js';

const stream = lambda('chat-stream');
const admin = lambda('admin-api');
const publicStreamUrl = functionUrl('chat-stream-url', 'chat-stream-dev', {
  authorizationType: 'NONE',
  invokeMode: 'RESPONSE_STREAM',
});

describe('stream-url-response-stream', () => {
  it('passes the stream URL in RESPONSE_STREAM mode and fires when it buffers', async () => {
    expect(await stackViolations(streamUrlStreams, [stream, publicStreamUrl])).toEqual([]);
    const buffered = functionUrl('chat-stream-url', 'chat-stream-dev', { invokeMode: 'BUFFERED' });
    expect(await stackViolations(streamUrlStreams, [stream, buffered])).toHaveLength(1);
  });

  it("recognises the stream's URL by its function's component tag, whatever the URL is called", async () => {
    const renamed = functionUrl('edge-url', 'chat-stream-dev', { invokeMode: 'BUFFERED' });
    expect(await stackViolations(streamUrlStreams, [stream, renamed])).toHaveLength(1);
    const byArn = functionUrl('edge-url', stream.props.arn, { invokeMode: 'BUFFERED' });
    expect(await stackViolations(streamUrlStreams, [stream, byArn])).toHaveLength(1);
    // A URL named like the stream's but serving the admin API may buffer.
    const lookalike = functionUrl('chat-stream-url', 'admin-api-dev', { invokeMode: 'BUFFERED' });
    expect(await stackViolations(streamUrlStreams, [admin, lookalike])).toEqual([]);
  });
});

describe('only-stream-url-public', () => {
  it("lets the chat stream's URL be public and the admin API's use AWS_IAM", async () => {
    const adminUrl = functionUrl('admin-api-url', 'admin-api-dev');
    expect(await stackViolations(onlyStreamUrlIsPublic, [stream, admin, publicStreamUrl, adminUrl])).toEqual([]);
  });

  it('fires for a public URL of any other function, or of no function of the stack', async () => {
    const publicAdmin = functionUrl('admin-api-url', 'admin-api-dev', { authorizationType: 'NONE' });
    expect(await stackViolations(onlyStreamUrlIsPublic, [stream, admin, publicAdmin])).toHaveLength(1);
    const orphan = functionUrl('debug-url', 'somebody-elses-function', { authorizationType: 'NONE' });
    expect(await stackViolations(onlyStreamUrlIsPublic, [stream, orphan])).toHaveLength(1);
  });

  it('is not fooled by names: a chat-stream-named URL or function is not the stream unless tagged so', async () => {
    const namedLikeStream = functionUrl('chat-stream-url', 'admin-api-dev', { authorizationType: 'NONE' });
    expect(await stackViolations(onlyStreamUrlIsPublic, [admin, namedLikeStream])).toHaveLength(1);
    const impostor = lambda('chat-stream-debug', { tags: { component: 'debug' } });
    const impostorUrl = functionUrl('chat-stream-debug-url', 'chat-stream-debug-dev', { authorizationType: 'NONE' });
    expect(await stackViolations(onlyStreamUrlIsPublic, [impostor, impostorUrl])).toHaveLength(1);
  });
});

describe('prod-cors-restricted', () => {
  const withOrigins = (allowOrigins: string[]) =>
    functionUrl('chat-stream-url', 'chat-stream-dev', { cors: { allowOrigins } });

  it('passes listed origins in prod and "*" in dev, and fires on "*" in prod', async () => {
    const prod = table();
    const dev = table({ tags: { environment: 'dev', component: 'sessions' } });
    expect(await stackViolations(prodCorsRestricted, [prod, withOrigins(['https://app.example.com'])])).toEqual([]);
    expect(await stackViolations(prodCorsRestricted, [dev, withOrigins(['*'])])).toEqual([]);
    expect(await stackViolations(prodCorsRestricted, [prod, withOrigins(['*'])])).toHaveLength(1);
  });
});
