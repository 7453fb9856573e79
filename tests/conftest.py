"""Shared test fixtures.

Every test runs offline: any socket connection to a non-loopback address fails the test
(the tool must work without a network, issue 7). Browser tests drive Debian's Chromium, a
separate process, and answer its CDN requests from local npm copies.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest


class NetworkBlocked(AssertionError):
    """Raised when code under test tries to reach the network."""


def _is_loopback(address) -> bool:
    if isinstance(address, tuple):
        host = address[0]
    else:  # AF_UNIX path
        return True
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any connection to a non-loopback address (loopback stand-in servers are allowed)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(method):
        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                raise NetworkBlocked(f"test tried to reach the network: {address!r}")
            return method(self, address)
        return connect

    monkeypatch.setattr(socket.socket, "connect", guarded(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(real_connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo(socket.getaddrinfo))


def _guarded_getaddrinfo(real):
    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name not in (None, "localhost") and not _is_ip_loopback(name):
            raise NetworkBlocked(f"test tried to resolve a host name: {name!r}")
        return real(host, *args, **kwargs)
    return getaddrinfo


def _is_ip_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
