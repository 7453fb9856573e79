"""Any values in any record column, any JSON: the records layer, the join and the map never fail
with a foreign error, and every row ends mapped, unresolved or invalid (issue 7 items 3, 7)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
import maps
from gazetteer import Gazetteer
from geo.errors import GeoError
from geo.readers import read_table

COLUMNS = ("event_id_cnty", "event_date", "end_date", "time_precision", "geo_precision", "event_type",
           "location", "latitude", "longitude", "fatalities", "country", "admin1", "notes")
VALUES = st.text(max_size=10) | st.sampled_from([
    "", "2025-05-04", "May 2025", "2025-W19", "2025-05-04/2025-05-01", "45658", "05/06/2025", "0", "1", "3",
    "4", "-1", "1.5", "33.7", "74.1", "-91", "181", "1e400", "nan", "inf", "99999999999999999999999",
    "Poonch", "Nowshera", "Poonch, Jammu and Kashmir", "IN", "Qwxzyville", "<b>x</b>", "=1+1", "A1"])
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def gz():
    return Gazetteer.load()


@FUZZ
@given(st.lists(st.fixed_dictionaries({c: VALUES for c in COLUMNS}), min_size=1, max_size=6))
def test_any_values_end_in_exactly_one_status_and_still_draw(gz, tmp_path, rows):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "any.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    try:
        events = geo.read_events(path)
    except GeoError as exc:   # a whole-file problem (e.g. an empty header cell) names the file
        assert str(path) in str(exc)
        return
    gdf = geo.to_geodataframe(events, gz)
    assert len(gdf) == len(rows)
    assert set(gdf["status"]) <= {"mapped", "unresolved", "invalid"}
    assert (gdf.loc[gdf["status"] == "invalid", "status_reason"] != "").all()
    assert gdf.loc[gdf["status"] == "mapped", "geometry"].notna().all()
    doc = maps.render(gdf, size_by="fatalities")
    assert sum(doc.counts.values()) <= int((gdf["status"] == "mapped").sum())


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
                    max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(JSON, st.sampled_from(["json", "geojson", "jsonl"]))
def test_json_readers_fail_only_with_project_errors(tmp_path, doc, kind):
    path = tmp_path / f"any.{kind}"
    path.write_text(json.dumps(doc), encoding="utf-8")
    try:
        geo.normalise(read_table(path), file=str(path))
    except GeoError as exc:
        assert str(path) in str(exc)
