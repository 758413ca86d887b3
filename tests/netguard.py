"""Network guard for tests, used where `unshare -n` is not available.

Copied into a temporary folder as `sitecustomize.py` and put on PYTHONPATH, it is
imported by every Python process of a build (Snakemake and each rule's
`python -m tiesmap.cli`). It refuses connections and name lookups beyond this
machine; loopback stays open because papermill talks to its kernel over 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket


class NetworkBlocked(OSError):
    """Raised instead of reaching anything beyond this machine."""


def _is_local(host: object) -> bool:
    if host is None or host in ("", "localhost"):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(sock: socket.socket, address: object) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # AF_UNIX and friends never leave the machine
    host = address[0] if isinstance(address, tuple) else address
    if not _is_local(host):
        raise NetworkBlocked(f"network access blocked by tests/netguard.py: {address!r}")


def install() -> None:
    if getattr(socket, "_netguard_installed", False):
        return
    connect, connect_ex, sendto = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.socket.sendto,
    )
    getaddrinfo = socket.getaddrinfo

    def guarded_connect(self, address):
        _check(self, address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        _check(self, address)
        return connect_ex(self, address)

    def guarded_sendto(self, data, *args):
        _check(self, args[-1])
        return sendto(self, data, *args)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not _is_local(host):
            raise NetworkBlocked(f"name lookup blocked by tests/netguard.py: {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.socket.sendto = guarded_sendto
    socket.getaddrinfo = guarded_getaddrinfo
    socket._netguard_installed = True


if __name__ == "sitecustomize":
    install()
