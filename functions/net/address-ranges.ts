// Which IP addresses the service may talk to on a user's behalf, and which clients are
// on this machine. An allowlist of ranges (public unicast only) rather than a blocklist,
// so a range nobody thought of (NAT64, 6to4, Teredo, benchmarking) stays closed.
import ipaddr from 'ipaddr.js';

/** The range of an address as a socket or resolver reports it (IPv4-mapped IPv6 counts as IPv4). */
function rangeOf(address: string): string | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(bare)) return undefined;
  const parsed = ipaddr.process(bare);
  const range = parsed.range();
  // `::a.b.c.d` (IPv4-compatible, deprecated) may be routed like the IPv4 address it embeds.
  if (range === 'unicast' && parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((p) => !p))
    return 'ipv4Compatible';
  return range;
}

/** Public unicast: not loopback, private, link-local, CGNAT, unique-local, multicast, reserved, or IPv4 tunnelled in IPv6. */
export const isPublicAddress = (address: string): boolean => rangeOf(address) === 'unicast';

export const isLoopbackAddress = (address: string | undefined): boolean =>
  address !== undefined && rangeOf(address) === 'loopback';

const neverFetchable = new Set(['unspecified', 'linkLocal', 'multicast', 'broadcast', 'ipv4Compatible']);

/**
 * Ranges nothing is fetched from even when an operator names the address in the
 * allowlist: "any host", link-local (cloud metadata at 169.254.169.254, fe80::/10),
 * multicast and broadcast.
 */
export function isNeverFetchable(address: string): boolean {
  const range = rangeOf(address);
  return range === undefined || neverFetchable.has(range);
}

export const isIpLiteral = (host: string): boolean => rangeOf(host) !== undefined;
