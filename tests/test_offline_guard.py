"""The offline guard itself: a test that reaches for the network must fail."""

import socket

import pytest

from tests.conftest import NetworkBlocked


def test_outbound_connection_is_refused():
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1, never routed


def test_dns_lookup_is_refused():
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("nominatim.openstreetmap.org", 443)


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=1):
        pass
    server.close()
