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
    """Fail any connection to a non-loopback address or host-name lookup (loopback stand-in
    servers are allowed). Each attempt raises :class:`NetworkBlocked` and is also recorded, so
    the test fails at teardown even when the code under test swallowed the exception; a test
    that makes attempts on purpose clears the yielded list."""
    attempts: list[str] = []

    def blocked(message: str) -> NetworkBlocked:
        attempts.append(message)
        return NetworkBlocked(message)

    def guarded(method):
        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                raise blocked(f"test tried to reach the network: {address!r}")
            return method(self, address)
        return connect

    def lookup(real):
        def resolve(host, *args, **kwargs):
            name = host.decode() if isinstance(host, bytes) else host
            if name not in (None, "localhost") and not _is_ip_loopback(name):
                raise blocked(f"test tried to resolve a host name: {name!r}")
            return real(host, *args, **kwargs)
        return resolve

    monkeypatch.setattr(socket.socket, "connect", guarded(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(socket.socket.connect_ex))
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, lookup(getattr(socket, name)))
    yield attempts
    assert attempts == [], f"network attempts (some swallowed by the code under test): {attempts}"


def _is_ip_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------
# Browser fixtures (maps): headless Debian Chromium driven by Playwright. Every CDN request a
# page makes is answered from the npm copy of the same package and version in tests/assets;
# map tiles get a blank image; any other external request fails the test, as do console errors,
# page errors and dialogs.
# ---------------------------------------------------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

ASSETS = Path(__file__).resolve().parent / "assets"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
CDN_NPM = re.compile(r"^https://cdn\.jsdelivr\.net/npm/(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/]+)"
                     r"/(?P<path>[^?#]+)")
TILE_HOSTS = re.compile(r"^https://(tile\.openstreetmap\.org|tile\.opentopomap\.org|server\.arcgisonline\.com)/")
CONTENT_TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png",
                 ".json": "application/json", ".svg": "image/svg+xml"}
# A 1x1 transparent PNG (stands in for every map tile).
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@pytest.fixture(scope="session")
def npm_assets() -> Path:
    """tests/assets/node_modules, installed with ``npm ci`` from the lock file when missing."""
    modules = ASSETS / "node_modules"
    if not modules.is_dir():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("browser tests need npm to install tests/assets (or run `npm ci` there)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=ASSETS, check=True)
    return modules


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class MapPage:
    """A browser tab that opens rendered maps offline and records what went wrong."""

    def __init__(self, context, folder: Path, modules: Path):
        self.context = context
        self.folder = folder
        self.modules = modules
        self.errors: list[str] = []
        self.unmatched: list[str] = []
        self.dialogs: list[str] = []
        context.route("**/*", self._route)
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)
        return page

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
            return
        if TILE_HOSTS.match(url):
            route.fulfill(status=200, body=BLANK_PNG, content_type="image/png")
            return
        match = CDN_NPM.match(url)
        if match:
            package = self.modules / match["package"]
            manifest = package / "package.json"
            target = (package / match["path"]).resolve()
            if (manifest.is_file() and json.loads(manifest.read_text())["version"] == match["version"]
                    and target.is_file() and package.resolve() in target.parents):
                route.fulfill(status=200, body=target.read_bytes(),
                              content_type=CONTENT_TYPES.get(target.suffix, "application/octet-stream"),
                              headers={"Access-Control-Allow-Origin": "*"})
                return
        self.unmatched.append(url)
        route.abort()

    def open(self, html: str, name: str = "map.html", page=None):
        """Write the page to a file, open it and wait for the scripting handle."""
        path = self.folder / name
        path.write_text(html, encoding="utf-8")
        page = page or self.page
        page.goto(path.as_uri())
        page.wait_for_function("window.incidentmap !== undefined")
        return page

    def call(self, expression: str, page=None):
        """Evaluate a JavaScript expression in the page."""
        return (page or self.page).evaluate(expression)


@pytest.fixture
def map_page(chromium, npm_assets, tmp_path):
    """A fresh tab; at the end, no console error, page error, dialog or unserved request."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    tab = MapPage(context, tmp_path, npm_assets)
    yield tab
    context.close()
    assert tab.unmatched == [], f"the page requested URLs that tests cannot serve: {tab.unmatched}"
    assert tab.errors == [], f"the page logged errors: {tab.errors}"
    assert tab.dialogs == [], f"the page opened dialogs: {tab.dialogs}"
