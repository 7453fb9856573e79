"""The offline guard itself: a test that reaches for the network must fail."""

import socket
import urllib.request

import pytest

from tests.conftest import NetworkBlocked


def test_outbound_connection_is_refused(no_network):
    with socket.socket() as sock, pytest.raises(NetworkBlocked):
        sock.settimeout(1)
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1, never routed; no lookup on the way
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    no_network.clear()


@pytest.mark.parametrize("lookup", [lambda: socket.getaddrinfo("nominatim.openstreetmap.org", 443),
                                    lambda: socket.gethostbyname("nominatim.openstreetmap.org"),
                                    lambda: socket.gethostbyname_ex("example.org"),
                                    lambda: socket.gethostbyaddr("192.0.2.1")])
def test_dns_lookup_is_refused(no_network, lookup):
    with pytest.raises(NetworkBlocked):
        lookup()
    no_network.clear()


def test_a_swallowed_attempt_is_still_recorded(no_network):
    try:
        urllib.request.urlopen("https://example.org/", timeout=1)
    except Exception:  # what careless code under test might do
        pass
    assert no_network == ["test tried to resolve a host name: 'example.org'"]
    no_network.clear()


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=1):
        pass
    server.close()
    assert socket.gethostbyname("localhost").startswith("127.")
