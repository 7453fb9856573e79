"""Hostile text through the real CLI path into real Chromium (issue 7 item 1).

A CSV whose every text field, column names, file name and map title carry script payloads is
mapped with ``incidentmap map`` (CliRunner); the written file is opened in headless Chromium.
Each payload would set ``window.__pwned`` and open a dialog; the test proves neither happened,
that no element from the payloads exists in the page, that a ``javascript:`` source is not a
link, and that every text is shown literally (title, layer panel, legend, popups, tooltip,
downloads). ``map_page`` also fails the test on any dialog, page error or unserved request.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main

pytestmark = pytest.mark.browser


def evil(tag: str) -> str:
    """Every payload kind, each marking ``tag`` if it ever runs."""
    return (f"<script>window.__pwned='{tag}';alert('{tag}')</script>"
            f"<img src=x id=evil-{tag} onerror=\"window.__pwned='{tag}';alert('{tag}')\">"
            f"\"><svg onload=\"window.__pwned='{tag}'\"></title></textarea><!-- "
            "{{ 7*7 }} {% if 1 %}TEMPLATE-RAN{% endif %} ${7*7}")


LAYER_COLUMN = "layer " + evil("column")
SIZE_COLUMN = "size <img src=x onerror=\"window.__pwned='size'\">"
SOURCES = ("javascript:window.__pwned='href';alert(1) JaVaScRiPt:alert(2) javascript://%0aalert(3) "
           "data:text/html,<script>alert(4)</script> vbscript:msgbox(5) https://example.org/r?a=1&b=<b>")
SAFE_LINK = "https://example.org/r?a=1&b=%3Cb%3E"
FORMULA = "=HYPERLINK(\"https://evil.example\",\"x\")"
TEXT = ("event_type", "sub_event_type", "actor1", "actor2", "country", "admin1", "admin2", "location", "notes")
POINTS = {"A": (33.77, 74.09), "B": (34.52, 74.25), "C": (33.37, 74.31)}


def hostile_rows() -> list[dict[str, str]]:
    rows = []
    for key, (lat, lon) in POINTS.items():
        row = {"event_id_cnty": f"{key} " + evil(f"id{key}"), "event_date": "2025-05-04",
               "latitude": str(lat), "longitude": str(lon), "source": SOURCES, "fatalities": "1",
               SIZE_COLUMN: str(len(rows) + 1), LAYER_COLUMN: f"{key} " + evil(f"layer{key}")}
        row.update({column: f"{column} {key} " + evil(f"{column}{key}") for column in TEXT})
        rows.append(row)
    rows[2]["actor2"] = FORMULA     # a spreadsheet formula: the CSV download must defuse it
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def map_with_cli(tmp_path: Path, name: str, *options: str) -> Path:
    data = write_csv(tmp_path / name, hostile_rows())
    out = tmp_path / "out" / "hostile.html"
    result = CliRunner().invoke(main, ["map", str(data), "-o", str(out), "--layer-by", LAYER_COLUMN,
                                       "--size-by", SIZE_COLUMN, *options])
    assert result.exit_code == 0, result.stderr
    assert "3 records read: 3 mapped, 0 unresolved, 0 invalid" in result.stderr
    return out


def open_written(map_page, path: Path):
    page = map_page.page
    page.goto(path.as_uri())
    page.wait_for_function("window.incidentmap !== undefined")
    return page


NOTHING_RAN = r"""() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  evil: document.querySelectorAll('[id^="evil-"], img[src="x"], svg[onload], iframe, object, embed').length,
  handlers: Array.from(document.querySelectorAll('*')).flatMap(
      el => Array.from(el.attributes).filter(a => /^on/i.test(a.name)).map(a => el.tagName + ' ' + a.name)),
  jsLinks: Array.from(document.querySelectorAll('[href], [src], [action], [formaction]'))
      .flatMap(el => ['href', 'src', 'action', 'formaction'].map(n => el.getAttribute(n) || ''))
      .filter(v => /^\s*(javascript|data|vbscript):/i.test(v)),
})"""


def wait_for_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([s, t]) => (document.querySelector(s) || {}).textContent?.includes(t)",
                           arg=[selector, text])


def assert_nothing_ran(map_page) -> None:
    state = map_page.call(NOTHING_RAN)
    assert state == {"pwned": None, "evil": 0, "handlers": [], "jsLinks": []}
    assert map_page.dialogs == []


def test_hostile_csv_through_the_cli_runs_nothing_and_shows_text_literally(map_page, tmp_path):
    title = "Title " + evil("title")
    out = map_with_cli(tmp_path, "hostile.csv", "--title", title)
    page = open_written(map_page, out)
    rows = hostile_rows()

    assert page.title() == title
    assert page.locator(".im-title").inner_text() == title
    assert {x["name"] for x in map_page.call("incidentmap.layers()")} == {r[LAYER_COLUMN] for r in rows}
    panel = page.locator(".im-panel").inner_text()
    assert "Layers: " + LAYER_COLUMN in panel and "marker size: " + SIZE_COLUMN in panel
    for row in rows:
        assert row[LAYER_COLUMN] in panel

    popup = page.locator(".leaflet-popup-content")
    for row in rows:
        page.goto(out.as_uri())           # a fresh view: an open popup pans the map
        page.wait_for_function("window.incidentmap !== undefined")
        x, y = map_page.call(f"incidentmap.screenPoint({json.dumps(row['event_id_cnty'])})")
        page.mouse.move(x, y)
        wait_for_text(page, ".im-tip", row["location"])      # the hover tooltip
        page.mouse.click(x, y)
        wait_for_text(page, ".leaflet-popup-content", row["event_id_cnty"])
        text = popup.inner_text()
        for column in ("event_id_cnty", *TEXT):
            assert row[column] in text, column
        assert SOURCES in text                              # the source, all of it, as text
        links = popup.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert links == [SAFE_LINK]                         # only the https URL is a link
        assert_nothing_ran(map_page)

    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").click()
    shown = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert {r["event_id_cnty"] for r in shown} == {r["event_id_cnty"] for r in rows}
    by_id = {r["event_id_cnty"]: r for r in shown}
    assert by_id[rows[0]["event_id_cnty"]]["notes"] == rows[0]["notes"]
    assert by_id[rows[2]["event_id_cnty"]]["actor2"] == "'" + FORMULA   # no formula in a spreadsheet
    page.wait_for_timeout(300)                              # time for anything deferred to run
    assert_nothing_ran(map_page)


def test_hostile_file_name_becomes_a_literal_default_title(map_page, tmp_path):
    stem = "<img src=x id=evil-file onerror=\"window.__pwned='file';alert('file')\">{{ 7*7 }}"
    out = map_with_cli(tmp_path, stem + ".csv", "--cluster", "--heatmap")
    page = open_written(map_page, out)
    assert page.title() == stem
    assert page.locator(".im-title").inner_text() == stem
    assert map_page.call("incidentmap.visibleCount()") == 3
    page.wait_for_timeout(300)
    assert_nothing_ran(map_page)
