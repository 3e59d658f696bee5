// Attachments (UI `file` parts) cannot make the service fetch what it should not: URLs
// only from allowlisted hosts, public addresses after DNS, every redirect hop checked,
// downloads cut at the cap, inline files capped. Every refusal is a 4xx before admission:
// no store request, no model request, and nothing reaches a host that was refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCountedStack } from '../helpers/counted-stack.js';
import { postChat } from '../helpers/chat-client.js';
import { readUiStream } from '../helpers/protocol-readers.js';
import { pixelPng, startAssetServer, type AssetServer } from '../helpers/asset-server.js';
import { isPublicAddress } from '../../functions/net/address-ranges.js';
import { parseUrlAllowlist } from '../../functions/attachments/url-allowlist.js';
import { AttachmentFetchError, guardedFetch } from '../../functions/attachments/guarded-fetch.js';
import { createAttachmentGuard } from '../../functions/attachments/attachment-guard.js';
import { loadConfig } from '../../functions/config.js';
import type { ErrorBody } from '../../functions/http/errors.js';

const KiB = 1024;
const limits = { perFile: 64 * KiB, total: 96 * KiB };
const counted = useCountedStack({
  DEFAULT_TIER: 'enterprise',
  SIGNUP_CREDITS: '1000000000',
  MAX_BODY_BYTES: String(1024 * KiB),
  ATTACHMENT_URL_ALLOWLIST: '127.0.0.1,localhost',
  ATTACHMENT_MAX_BYTES: String(limits.perFile),
  ATTACHMENTS_MAX_TOTAL_BYTES: String(limits.total),
  ATTACHMENT_MAX_URLS: '3',
  ATTACHMENT_FETCH_TIMEOUT_MS: '1000',
});
let assets: AssetServer;
beforeAll(async () => {
  assets = await startAssetServer();
});
afterAll(() => assets?.close());

const at = (path: string, host = '127.0.0.1') => `http://${host}:${assets.port}${path}`;
const dataUrl = (bytes: number) => `data:image/png;base64,${Buffer.alloc(bytes, 7).toString('base64')}`;
const withFiles = (...urls: string[]) => ({
  id: 'chat-1',
  trigger: 'submit-message',
  messages: [
    {
      id: 'm1',
      role: 'user',
      parts: [{ type: 'text', text: '3 words' }, ...urls.map((url) => ({ type: 'file', mediaType: 'image/png', url }))],
    },
  ],
});

/** Posts, and records what happened underneath: store, model and asset-server requests. */
async function send(body: unknown) {
  const { stack, storeRequests, modelRequests } = counted();
  const before = {
    store: storeRequests(),
    model: modelRequests(),
    assets: assets.requests.length,
    imageBytes: stack.model.stats.inlineImageBytes,
    imageUrls: stack.model.stats.imageUrls,
  };
  const response = await postChat(stack, { token: await stack.token('attacher'), body });
  const json = response.status === 200 ? undefined : ((await response.json()) as ErrorBody);
  const text = response.status === 200 ? (await readUiStream(response.body!)).text : undefined;
  return {
    status: response.status,
    json,
    text,
    storeRequests: storeRequests() - before.store,
    modelRequests: modelRequests() - before.model,
    assetRequests: assets.requests.slice(before.assets),
    imageBytes: stack.model.stats.inlineImageBytes - before.imageBytes,
    imageUrls: stack.model.stats.imageUrls - before.imageUrls,
  };
}

type Sent = Awaited<ReturnType<typeof send>>;
function expectRefusedBeforeAdmission(sent: Sent, status: number, error: Record<string, unknown>) {
  expect(sent.status).toBe(status);
  expect(sent.json).toEqual({ error: { message: expect.any(String), ...error } });
  expect(sent.storeRequests).toBe(0);
  expect(sent.modelRequests).toBe(0);
}

describe('URL attachments', () => {
  it('are fetched from an allowlisted host and reach the model as bytes, never as a URL', async () => {
    const sent = await send(withFiles(at('/pixel.png')));
    expect(sent.status).toBe(200);
    expect(sent.text).toBe('w1 w2 w3');
    expect(sent.assetRequests).toEqual(['/pixel.png']);
    expect(sent.imageBytes).toBe(pixelPng.length);
    expect(sent.imageUrls).toBe(0);
  });

  it.each([
    ['a host not on the allowlist', () => at('/pixel.png', '[::ffff:127.0.0.1]'), 'host [::ffff:7f00:1] is not on'],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/', 'host 169.254.169.254 is not on'],
    ['a file URL', () => 'file:///etc/passwd', 'URL scheme file: is not allowed'],
    ['credentials in the URL', () => at('/pixel.png').replace('//', '//user:pw@'), 'URLs with credentials'],
  ])('are refused for %s with 400 before anything is fetched', async (_, url, message) => {
    const sent = await send(withFiles(url()));
    expectRefusedBeforeAdmission(sent, 400, { type: 'attachment_url_not_allowed' });
    expect(sent.json?.error.message).toContain(message);
    expect(sent.assetRequests).toEqual([]);
  });

  it('are refused when an allowlisted name resolves to loopback: checked after DNS, nothing sent', async () => {
    const sent = await send(withFiles(at('/pixel.png', 'localhost')));
    expectRefusedBeforeAdmission(sent, 400, {
      type: 'attachment_url_not_allowed',
      message: 'host localhost resolves to an address that is not public',
    });
    expect(sent.assetRequests).toEqual([]);
  });

  it.each([
    ['an allowlisted name that resolves to loopback', () => at('/secret', 'localhost'), 'resolves to an address'],
    ['a host not on the allowlist', () => at('/secret', '[::ffff:127.0.0.1]'), 'is not on the attachment allowlist'],
    ['the metadata service', () => 'http://169.254.169.254/latest/meta-data/', 'is not on the attachment allowlist'],
  ])('are refused at the redirect hop to %s; the target gets nothing', async (_, target, message) => {
    const first = `/redirect?to=${encodeURIComponent(target())}`;
    const sent = await send(withFiles(at(first)));
    expectRefusedBeforeAdmission(sent, 400, { type: 'attachment_url_not_allowed' });
    expect(sent.json?.error.message).toContain(message);
    expect(sent.assetRequests).toEqual([first]);
  });

  it('follow a redirect within the allowlist, and at most three', async () => {
    const hop = await send(withFiles(at('/redirect?to=%2Fpixel.png')));
    expect(hop.status).toBe(200);
    expect(hop.assetRequests).toEqual(['/redirect?to=%2Fpixel.png', '/pixel.png']);
    expect(hop.imageBytes).toBe(pixelPng.length);

    const loop = await send(withFiles(at('/loop')));
    expectRefusedBeforeAdmission(loop, 400, { type: 'attachment_url_not_allowed', message: 'more than 3 redirects' });
    expect(loop.assetRequests).toEqual(['/loop', '/loop', '/loop', '/loop']);
  });

  it.each([
    ['streamed without a length', '/huge'],
    ['declaring its length', '/huge-declared'],
  ])('are cut off past the size cap when %s: 413, and the 210 MB never cross the wire', async (_, path) => {
    const sent = await send(withFiles(at(path)));
    expectRefusedBeforeAdmission(sent, 413, { type: 'attachment_too_large', limitBytes: limits.perFile });
    // What was sent before the service hung up bounds what it could have held in memory.
    await expect.poll(() => assets.hugeBytesSent).toBeGreaterThan(0);
    expect(assets.hugeBytesSent).toBeLessThan(32 * 1024 * KiB);
  });

  it('count toward the total with inline files, and the total is enforced while fetching', async () => {
    const sent = await send(withFiles(dataUrl(40 * KiB), at(`/bytes/${30 * KiB}`), at(`/bytes/${30 * KiB + 1}`)));
    expectRefusedBeforeAdmission(sent, 413, { type: 'attachments_too_large', limitBytes: limits.total });
    expect(sent.assetRequests).toEqual([`/bytes/${30 * KiB}`, `/bytes/${30 * KiB + 1}`]);
  });

  it('are at most three distinct URLs per request, refused before any is fetched', async () => {
    const sent = await send(withFiles(...[1, 2, 3, 4].map((n) => at(`/bytes/${n}`))));
    expectRefusedBeforeAdmission(sent, 400, { type: 'too_many_attachment_urls', limit: 3 });
    expect(sent.assetRequests).toEqual([]);
  });

  it.each([
    ['an answer that never comes', '/hang', 'fetching took longer than 1000 ms'],
    ['a 404', '/missing', 'answered 404'],
  ])('that fail (%s) are a 400 before admission', async (_, path, message) => {
    const sent = await send(withFiles(at(path)));
    expectRefusedBeforeAdmission(sent, 400, { type: 'attachment_fetch_failed' });
    expect(sent.json?.error.message).toContain(message);
  });

  it('may not reference a file stored at the provider', async () => {
    const body = withFiles(at('/pixel.png'));
    Object.assign(body.messages[0]!.parts[1]!, { providerReference: { openai: 'file-of-someone-else' } });
    const sent = await send(body);
    expectRefusedBeforeAdmission(sent, 400, { type: 'attachment_reference_not_allowed' });
    expect(sent.assetRequests).toEqual([]);
  });
});

describe('inline attachments', () => {
  it('up to the caps reach the model', async () => {
    const sent = await send(withFiles(dataUrl(limits.perFile)));
    expect(sent.status).toBe(200);
    expect(sent.imageBytes).toBe(limits.perFile);
  });

  it('larger than the per-file cap are a 413 before admission', async () => {
    const sent = await send(withFiles(dataUrl(limits.perFile + 1)));
    expectRefusedBeforeAdmission(sent, 413, { type: 'attachment_too_large', limitBytes: limits.perFile });
  });

  it('adding up to more than the total cap are a 413 before admission', async () => {
    const sent = await send(withFiles(dataUrl(50 * KiB), dataUrl(50 * KiB)));
    expectRefusedBeforeAdmission(sent, 413, { type: 'attachments_too_large', limitBytes: limits.total });
  });
});

describe('egress rules', () => {
  it.each([
    ['93.184.216.34', true],
    ['2606:4700::1111', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['100.64.0.1', false],
    ['169.254.169.254', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['255.255.255.255', false],
    ['192.0.2.2', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00:ec2::254', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::7f00:1', false],
    ['64:ff9b::7f00:1', false],
    ['2002:7f00:1::', false],
    ['not-an-address', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('refuse a name with any non-public address, before connecting (resolver seam)', async () => {
    const options = { allowlist: parseUrlAllowlist('assets.example'), maxBytes: KiB, timeoutMs: 1000 };
    for (const addresses of [['93.184.216.34', '10.0.0.1'], ['::ffff:127.0.0.1'], ['fd00::2']]) {
      const resolve = async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      const refusal = await guardedFetch(new URL('http://assets.example/a.png'), { ...options, resolve }).catch(
        (err: unknown) => err,
      );
      expect(refusal).toBeInstanceOf(AttachmentFetchError);
      expect(refusal).toMatchObject({ reason: 'not_allowed' });
    }
  });

  it('give the AI SDK a downloader that goes through the guard and never passes a URL on', async () => {
    const guard = createAttachmentGuard(loadConfig({ ATTACHMENT_URL_ALLOWLIST: '127.0.0.1' }).attachments);
    const before = assets.requests.length;
    await expect(
      guard.download([{ url: new URL(at('/pixel.png', '[::ffff:127.0.0.1]')), isUrlSupportedByModel: true }]),
    ).rejects.toThrow(/not on the attachment allowlist/);
    expect(assets.requests.length).toBe(before);
    const [fetched] = await guard.download([{ url: new URL(at('/pixel.png')), isUrlSupportedByModel: true }]);
    expect(Buffer.from(fetched!.data)).toEqual(pixelPng);
  });

  it('fetch nothing when no allowlist is configured, and refuse allowlist entries that can never be safe', () => {
    expect(loadConfig({}).attachments.allowlist).toEqual([]);
    for (const entry of [
      '169.254.169.254',
      '0.0.0.0',
      'ff02::1',
      'assets.example/x',
      'assets.example:8080',
      '*.10.0.0.1',
    ])
      expect(() => loadConfig({ ATTACHMENT_URL_ALLOWLIST: `cdn.example,${entry}` }), entry).toThrow(/ATTACHMENT_URL/);
    expect(
      loadConfig({ ATTACHMENT_URL_ALLOWLIST: ' CDN.Example. ,*.assets.example,10.0.0.5' }).attachments.allowlist,
    ).toEqual(['cdn.example', '*.assets.example', '10.0.0.5']);
  });
});
