// The hosts attachment URLs may point at (ATTACHMENT_URL_ALLOWLIST, comma-separated).
// An entry is a hostname, a `*.suffix` wildcard (subdomains only) or an IP literal.
// Entries and URLs are compared in the URL parser's normalized form, so `0x7f.1` and
// `127.0.0.1`, or `EXAMPLE.com.` and `example.com`, are the same host.
import { isIpLiteral, isNeverFetchable } from '../net/address-ranges.js';

export type UrlAllowlist = readonly string[];

function normalizeHost(host: string): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  if (!URL.canParse(`http://${bracketed}/`)) throw new Error('not a host name');
  const url = new URL(`http://${bracketed}/`);
  if (url.host !== url.hostname || url.username || url.password || url.pathname !== '/') {
    throw new Error('a bare host name has no port, path or credentials');
  }
  return url.hostname.replace(/\.$/, '');
}

function parseEntry(raw: string): string {
  const entry = raw.trim().toLowerCase();
  const wildcard = entry.startsWith('*.');
  const host = normalizeHost(wildcard ? entry.slice(2) : entry);
  if (wildcard && isIpLiteral(host)) throw new Error('a wildcard needs a domain name');
  // Naming an address is an explicit decision to fetch from it, but never from these.
  if (isIpLiteral(host) && isNeverFetchable(host)) {
    throw new Error('unspecified, link-local, multicast and broadcast addresses are never fetched from');
  }
  return wildcard ? `*.${host}` : host;
}

/** Parses the environment variable's text; throws with the offending entry. Empty: fetch nothing. */
export function parseUrlAllowlist(text: string): UrlAllowlist {
  return text
    .split(',')
    .filter((raw) => raw.trim() !== '')
    .map((raw) => {
      try {
        return parseEntry(raw);
      } catch (err) {
        throw new Error(`"${raw.trim()}" is not a valid entry: ${(err as Error).message}`);
      }
    });
}

export function isHostAllowed(allowlist: UrlAllowlist, url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return allowlist.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry));
}
