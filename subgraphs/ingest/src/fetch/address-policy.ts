import ipaddr from 'ipaddr.js';

/**
 * Which addresses a feed or enclosure fetch may connect to. Only globally routable unicast
 * addresses pass: loopback, private, link-local, multicast, unspecified, carrier-grade NAT,
 * documentation and other reserved ranges are refused, IPv4-mapped IPv6 judged as the IPv4 it
 * carries. ipaddr.js classifies the ranges (IANA's special-purpose registries), so the list is
 * not ours to keep up to date.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

export class RefusedAddressError extends Error {
  constructor(readonly host: string, readonly address: string) {
    super(`${host} resolves to ${address}, which is not a public address`);
    this.name = 'RefusedAddressError';
  }
}
