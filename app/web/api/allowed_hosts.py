"""A pure ASGI middleware that answers only requests whose Host header names this server (DNS rebinding).

A web page from anywhere can make its own name (evil.example) resolve to 127.0.0.1 or to a LAN address, and
then read this server's answers as its own origin. The browser still sends ``Host: evil.example``, so refusing
unknown names stops that. Allowed: the names and addresses the server listens on (for a loopback address the
loopback names; for every interface, ``0.0.0.0`` or ``::``, each address of the machine plus its host name,
so a LAN address and a join link work), the address the connection itself arrived at (an interface that came
up after the start), and NNPLAY_ALLOWED_HOSTS (``["*"]``: no check). The port is not compared."""

import ipaddress
import socket
from pathlib import Path

from app.web.api.errors import send_error
from app.web.api.request_head import head_of

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
EVERY_INTERFACE = frozenset({"", "0.0.0.0", "::"})
IPV6_TABLE = Path("/proc/net/if_inet6")  # Linux: one interface address per line, 32 hex digits first


def normalized(name: str) -> str:
    """A host name or address as compared: lowercase, no port, no brackets, no trailing dot; an address in its
    canonical form (an IPv4-mapped IPv6 address as the IPv4 one)."""
    name = name.strip().lower()
    if name.startswith("["):  # [v6] or [v6]:port
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        name = name.partition(":")[0]
    name = name.rstrip(".")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return name
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def interface_addresses() -> set[str]:
    """Every IPv4 and IPv6 address of this machine's interfaces (Linux), best effort."""
    addresses: set[str] = set()
    try:
        import fcntl
        import struct

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _, interface in socket.if_nameindex():
                try:  # SIOCGIFADDR: the interface's IPv4 address
                    answer = fcntl.ioctl(probe.fileno(), 0x8915, struct.pack("256s", interface.encode()[:15]))
                except OSError:
                    continue
                addresses.add(socket.inet_ntoa(answer[20:24]))
    except (ImportError, OSError, AttributeError):
        pass
    try:
        for line in IPV6_TABLE.read_text().splitlines():
            addresses.add(str(ipaddress.IPv6Address(int(line.split()[0], 16))))
    except (OSError, ValueError, IndexError):
        pass
    return addresses


def machine_names() -> set[str]:
    """This machine's host name, its mDNS name (``name.local``, how many school LANs reach a laptop), its fully
    qualified name, and the addresses they resolve to."""
    hostname = socket.gethostname()
    names = {hostname, f"{hostname.split('.')[0]}.local", socket.getfqdn()}
    resolved: set[str] = set()
    for name in names:
        try:
            resolved |= {str(info[4][0]) for info in socket.getaddrinfo(name, None)}
        except OSError:
            continue
    return names | resolved


def listening_names(listen_host: str) -> set[str]:
    """The Host names that reach a server listening on ``listen_host``."""
    host = normalized(listen_host)
    if host in EVERY_INTERFACE:
        return LOOPBACK | interface_addresses() | machine_names()
    if host in LOOPBACK or host.startswith("127."):
        return LOOPBACK | {host}
    return {host} | machine_names()


class AllowedHosts:
    """Answers 400 (code request.host) to an HTTP request or WebSocket handshake whose Host is not allowed."""

    def __init__(self, app, listen_host: str, extra: list[str]):
        self.app = app
        self.anything = "*" in extra
        self.allowed = frozenset(normalized(name) for name in listening_names(listen_host) | set(extra))

    def allows(self, host: str | None, scope) -> bool:
        """Whether ``host`` (the Host header's value) names this server, for the connection in ``scope``."""
        if self.anything or host is None:  # HTTP/1.0 without a Host: no name that a page could have rebound
            return True
        name = normalized(host)
        here = scope.get("server") or ("",)
        return name in self.allowed or name == normalized(str(here[0]))

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            host = head_of(scope).host
            if not self.allows(host, scope):
                if scope["type"] == "websocket" and "websocket.http.response" not in (scope.get("extensions") or {}):
                    return await send({"type": "websocket.close", "code": 1008})  # the server cannot say 400: 403
                return await send_error(scope, send, 400, "request.host", {"host": host})
        await self.app(scope, receive, send)
