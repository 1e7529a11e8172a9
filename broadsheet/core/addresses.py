"""Which addresses a fetch may reach: public unicast, never special-purpose or metadata."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

# Cloud metadata endpoints, named even though the range checks below already cover them.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# Special-purpose ranges (IANA's registries) refused whatever the running Python's
# `is_global` says: its tables changed between patch releases (3.11.7 calls 192.0.0.8 and the
# deprecated site-local fec0::/10 global), and a feed never lives in any of these.
BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # 6to4 relay anycast, deprecated
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)
# Global unicast is 2000::/3; everything outside it (loopback, ULA fc00::/7, link-local,
# site-local fec0::/10, multicast, discard, IPv4-compatible ::/96, SRv6 5f00::/16…) is refused,
# except the three forms that embed an IPv4 address, which are judged by that address.
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "2001::/23",  # IETF protocol assignments: Teredo, benchmarking, ORCHID
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix (RFC 6052)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 address reaches, if it is one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in SIX_TO_FOUR:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True when `address` is routable on the public internet and not a metadata service."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if address.scope_id or address not in GLOBAL_UNICAST_V6:
            return False
        blocked: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = BLOCKED_V6
    else:
        blocked = BLOCKED_V4
    if address in METADATA_ADDRESSES or any(address in net for net in blocked):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


AddressPolicy = Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]


def allow_any_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return True
