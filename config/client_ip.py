"""The client's IP address, believing ``X-Forwarded-For`` only from a configured proxy.

``TRUSTED_PROXIES`` lists the addresses or networks of the reverse proxies in front of the
app (empty: none, the peer address is the client). When the peer is one of them, the client is
the right-most address in ``X-Forwarded-For`` that is not itself a trusted proxy; anything to
its left was written by the client and is ignored. A header from any other peer is ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    peer = request.META.get("REMOTE_ADDR", "")
    if not _trusted(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return peer
