"""The opt-in Nominatim fallback, against a stand-in HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from gazetteer import Gazetteer
from gazetteer.online import USER_AGENT, OnlineResolver


@pytest.fixture()
def nominatim():
    """A tiny Nominatim stand-in that knows one name and records its requests."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = parse_qs(urlparse(self.path).query)
            seen.append((query.get("q", [""])[0], self.headers.get("User-Agent")))
            body = []
            if query.get("q") == ["Chakan Da Bagh"]:
                body = [{"lat": "33.6891", "lon": "74.0932", "display_name": "Chakan Da Bagh, Poonch, India",
                         "osm_type": "node", "osm_id": 42, "address": {"country_code": "in"}}]
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_online_fallback_answers_unknown_names_once(nominatim, tmp_path):
    domain, seen = nominatim
    online = OnlineResolver(domain=domain, scheme="http", cache_path=tmp_path / "cache.json",
                            min_delay_seconds=0.0)
    gz = Gazetteer.load(online=online)
    res = gz.resolve("Chakan Da Bagh")
    assert res.place.source == "online" and res.reason.startswith("online")
    assert (res.place.lat, res.place.lon, res.place.country) == (33.6891, 74.0932, "IN")
    assert not gz.resolve("Nowhere Xq").resolved
    gz.resolve("Pahalgam")                       # bundled: never sent
    assert [q for q, _ in seen] == ["Chakan Da Bagh", "Nowhere Xq"]
    assert all(agent == USER_AGENT for _, agent in seen)
    # a fresh resolver reads the disk cache: nothing is asked twice
    again = OnlineResolver(domain=domain, scheme="http", cache_path=tmp_path / "cache.json")
    assert again.resolve("Chakan Da Bagh").place.lat == 33.6891 and again.requests == 0
    assert len(seen) == 2


def test_online_is_off_by_default():
    assert Gazetteer.load().online is None
    assert not Gazetteer.load().resolve("Chakan Da Bagh").resolved
