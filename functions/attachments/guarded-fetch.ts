// Fetches one attachment URL on a user's behalf under the egress rules: the host is on
// the allowlist at every hop; a host name must resolve to public addresses only, checked
// inside the socket's own lookup so the address checked is the address connected to (no
// DNS rebinding between check and connect); redirects are followed by hand and capped;
// the body is counted as it streams and cut at the cap; the whole fetch has a deadline.
import http from 'node:http';
import https from 'node:https';
import { lookup as systemLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isNeverFetchable, isIpLiteral, isPublicAddress } from '../net/address-ranges.js';
import { isHostAllowed, type UrlAllowlist } from './url-allowlist.js';

interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution; the system resolver unless a caller (a test) brings its own. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardedFetchOptions {
  allowlist: UrlAllowlist;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  resolve?: Resolver;
  /** The caller's cancellation (the client went away). */
  signal?: AbortSignal;
}

export type FetchRefusalReason = 'not_allowed' | 'too_large' | 'failed';

export class AttachmentFetchError extends Error {
  override name = 'AttachmentFetchError';
  constructor(
    readonly reason: FetchRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface FetchedAttachment {
  data: Buffer;
  mediaType: string | undefined;
}

const defaultMaxRedirects = 3;
const systemResolver: Resolver = (hostname) => systemLookup(hostname, { all: true, order: 'verbatim' });
const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

export async function guardedFetch(url: URL, options: GuardedFetchOptions): Promise<FetchedAttachment> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const maxRedirects = options.maxRedirects ?? defaultMaxRedirects;
  try {
    let current = url;
    for (let hop = 0; ; hop++) {
      assertAllowed(current, options.allowlist);
      const response = await get(current, signal, options.resolve ?? systemResolver);
      const status = response.statusCode ?? 0;
      if (isRedirect(status) && response.headers.location !== undefined) {
        response.destroy();
        if (hop >= maxRedirects) throw new AttachmentFetchError('not_allowed', `more than ${maxRedirects} redirects`);
        const next = URL.parse(response.headers.location, current.href);
        if (!next) throw new AttachmentFetchError('failed', `${current.host} redirected to an invalid URL`);
        current = next;
        continue;
      }
      if (status < 200 || status > 299) {
        response.destroy();
        throw new AttachmentFetchError('failed', `${current.host} answered ${status}`);
      }
      return { data: await readCapped(response, options.maxBytes), mediaType: response.headers['content-type'] };
    }
  } catch (err) {
    if (err instanceof AttachmentFetchError) throw err;
    if (options.signal?.aborted) throw err; // the caller gave up; nobody reads an answer
    if (deadline.aborted) throw new AttachmentFetchError('failed', `fetching took longer than ${options.timeoutMs} ms`);
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new AttachmentFetchError('failed', `the attachment could not be fetched (${code})`);
  }
}

/** Every hop: http(s) only, no credentials in the URL, host on the allowlist. */
export function assertAllowed(url: URL, allowlist: UrlAllowlist): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AttachmentFetchError('not_allowed', `URL scheme ${url.protocol} is not allowed`);
  }
  if (url.username || url.password)
    throw new AttachmentFetchError('not_allowed', 'URLs with credentials are not allowed');
  if (!isHostAllowed(allowlist, url)) {
    throw new AttachmentFetchError('not_allowed', `host ${url.hostname} is not on the attachment allowlist`);
  }
  // An IP literal never reaches the lookup below: the allowlist named it, within limits.
  if (isIpLiteral(url.hostname) && isNeverFetchable(url.hostname)) {
    throw new AttachmentFetchError('not_allowed', `address ${url.hostname} is never fetched from`);
  }
}

/** The socket's lookup: resolves, refuses the host if any address is not public, connects to a checked one. */
function publicOnlyLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((addresses) => {
        if (addresses.some((a) => !isPublicAddress(a.address))) {
          throw new AttachmentFetchError('not_allowed', `host ${hostname} resolves to an address that is not public`);
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        const first = usable[0];
        if (!first) throw new AttachmentFetchError('failed', `host ${hostname} does not resolve`);
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      })
      .catch((err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}

function get(url: URL, signal: AbortSignal, resolve: Resolver): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolveResponse, reject) => {
    const request = client.request(url, {
      method: 'GET',
      agent: false, // a fresh connection per hop, made through the checked lookup
      lookup: publicOnlyLookup(resolve),
      signal,
      headers: { accept: '*/*', 'user-agent': 'streaming-ai-attachments' },
    });
    request.once('response', resolveResponse);
    request.once('error', reject);
    request.end();
  });
}

async function readCapped(response: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new AttachmentFetchError('too_large', `the attachment is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy(); // stop reading: the rest never reaches memory
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
