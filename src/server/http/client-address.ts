import { isIP } from 'node:net';
import { config } from '../config.ts';

/** "::ffff:192.0.2.1" as "192.0.2.1": Node reports IPv4 clients of a dual-stack socket that way. */
function plain(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/**
 * The address of the client that sent the request. The socket's address
 * (Astro's `clientAddress`) unless it is a trusted proxy (TRUST_PROXY, none by
 * default); then X-Forwarded-For is read from its right end (what the nearest
 * proxy appended) leftwards, past further trusted proxies, to the first
 * address that is not one. The left part of the header is whatever the client
 * chose to send and is never believed, so a client cannot pick its own
 * address to escape a limit.
 */
export function clientAddress(request: Request, socketAddress: string, trustedProxies: readonly string[] = config().TRUST_PROXY): string {
  const trusted = trustedProxies.map(plain);
  let address = plain(socketAddress);
  if (!trusted.includes(address)) return address;
  const chain = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => plain(a.trim()))
    .filter(Boolean);
  while (trusted.includes(address)) {
    const next = chain.pop();
    if (next === undefined || isIP(next) === 0) break;
    address = next;
  }
  return address;
}
