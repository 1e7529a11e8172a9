"""addresses.py: which addresses a fetch may reach, alone and as a DNS answer checked at connect time."""

from __future__ import annotations

import ipaddress

import pytest

from broadsheet.core.addresses import is_public_address
from broadsheet.core.transport import resolve
from broadsheet.ingest.errors import BlockedURLError


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.5.5", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("fd00:ec2::254", False),  # cloud metadata (IPv6)
        ("100.64.0.1", False),  # CGNAT
        ("224.0.0.1", False),  # multicast
        ("240.0.0.1", False),  # reserved
        ("0.0.0.0", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("ff02::1", False),
        # Special-purpose ranges that Python 3.11's is_global lets through or that need naming.
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("fec0::1", False),  # site-local, deprecated (fec0::/10)
        ("feff::1", False),  # site-local, top of the range
        ("192.0.0.8", False),  # IETF protocol assignments (192.0.0.0/24)
        ("192.0.0.9", False),
        ("192.0.0.170", False),
        ("0.1.2.3", False),  # "this network" (0.0.0.0/8)
        ("198.18.0.1", False),  # benchmarking (198.18.0.0/15)
        ("198.19.255.254", False),
        ("192.0.2.1", False),  # documentation
        ("198.51.100.7", False),
        ("203.0.113.9", False),
        ("192.88.99.1", False),  # 6to4 relay anycast
        ("255.255.255.255", False),
        ("239.255.255.250", False),  # multicast (SSDP)
        ("100.127.255.254", False),  # CGNAT, top of the range
        ("fc00::1", False),  # unique local
        ("fd12:3456::1", False),
        ("ff05::1:3", False),  # site-local multicast
        ("100::1", False),  # discard-only
        ("5f00::1", False),  # SRv6 SIDs
        ("2001:db8::1", False),  # documentation
        ("3fff::1", False),  # documentation (RFC 9637)
        ("2001:2::1", False),  # benchmarking
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("::7f00:1", False),  # IPv4-compatible (deprecated) 127.0.0.1
        ("::ffff:0:7f00:1", False),  # IPv4-translated 127.0.0.1
        ("::ffff:10.0.0.1", False),  # IPv4-mapped private
        ("::ffff:192.0.0.8", False),
        ("::ffff:93.184.216.34", True),  # IPv4-mapped public
        ("2002:c0a8:101::", False),  # 6to4 wrapping 192.168.1.1
        ("2002:a9fe:a9fe::1", False),  # 6to4 wrapping the metadata address
        ("2002:5db8:d822::1", True),  # 6to4 wrapping a public address
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b::5db8:d822", True),  # NAT64 of a public address
        ("64:ff9b:1::a00:1", False),  # local-use NAT64 prefix
        ("fe80::1%eth0", False),  # scoped link-local
    ],
)
def test_is_public_address(address, public):
    assert is_public_address(ipaddress.ip_address(address)) is public


def test_localhost_resolves_to_a_refused_address():
    with pytest.raises(BlockedURLError):
        resolve("localhost", 80)
