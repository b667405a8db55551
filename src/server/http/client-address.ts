import { isIP, isIPv4, isIPv6 } from 'node:net';
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

/** The eight 16-bit groups of an IPv6 address, as numbers; null when it is not one. */
function ipv6Groups(address: string): number[] | null {
  if (!isIPv6(address)) return null;
  let text = address.toLowerCase().split('%')[0]!;
  // A trailing dotted IPv4 part (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is two groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(2).map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16));
}

/**
 * The network a client address belongs to, as the rule on who counts sees it
 * (src/domain/population.ts): an IPv4 address by its /24, an IPv6 address by
 * its /48 (what one site is usually given). An IPv4-mapped IPv6 address is
 * its IPv4 address. Null for anything that is not an IP address.
 */
export function networkOf(address: string): string | null {
  const ip = plain(address.trim());
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  const groups = ipv6Groups(ip);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.0/24`;
  }
  return `${groups.slice(0, 3).map((g) => g.toString(16)).join(':')}::/48`;
}
