"""Which network addresses a crawler that follows strangers' links must not reach."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
            ipaddress.ip_address("100.100.100.200")}


def is_forbidden(address) -> bool:
    """Not a public unicast address: private, loopback, link-local, shared (100.64/10), reserved,
    documentation, multicast, unspecified, or a cloud metadata endpoint."""
    ip = ipaddress.ip_address(str(address))
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip in METADATA or not ip.is_global or ip.is_multicast


async def refused_address(host: str, port: int) -> str | None:
    """Why connecting to ``host`` must be refused, or None. Names are resolved first; a name that
    does not resolve is left to the downloader, which will fail on it the same way."""
    if not host:
        return "no host in the URL"
    try:
        return f"{host} is a private address" if is_forbidden(host) else None
    except ValueError:
        pass  # a name, not an address
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is the local machine"
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    for info in infos:
        if is_forbidden(info[4][0]):
            return f"{host} resolves to {info[4][0]}, a private address"
    return None
