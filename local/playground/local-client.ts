// Who may take a dev token from the playground: a client on this machine, asking for
// this machine by name. The socket's own address decides (never X-Forwarded-For), and
// the Host header must name loopback, so a web page that rebinds its DNS name to
// 127.0.0.1 cannot read a token from the developer's browser.
import { isLoopbackAddress } from '../../functions/net/address-ranges.js';

export interface ClientFacts {
  /** The TCP peer of the request. */
  remoteAddress: string | undefined;
  /** The Host header as sent. */
  host: string | undefined;
}

function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  return URL.parse(`http://${host}/`)?.hostname;
}

export function isLocalClient({ remoteAddress, host }: ClientFacts): boolean {
  const hostname = hostnameOf(host);
  const namesLoopback = hostname === 'localhost' || (hostname !== undefined && isLoopbackAddress(hostname));
  return isLoopbackAddress(remoteAddress) && namesLoopback;
}
