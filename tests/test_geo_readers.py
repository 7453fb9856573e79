"""Readers and record normalisation: every input format, other spellings, bad values per row."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo.errors import GeoError, InputError
from geo.readers import read_table

ROWS = [
    {"when": "05/06/2025", "site": "Poonch", "type": "Shelling", "deaths": "2", "url": "https://a.example/1"},
    {"when": "13/06/2025", "site": "Rajouri", "type": "Shelling", "deaths": "", "url": "https://a.example/2"},
]


def _csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_acled_names_need_no_options(tmp_path):
    path = _csv(tmp_path / "acled.csv",
                "event_id_cnty,event_date,year,time_precision,event_type,location,latitude,longitude,"
                "fatalities,timestamp\nIND1,2025-05-04,2025,1,Battles,Poonch,33.77,74.09,0,1746489600\n")
    events = geo.read_events(path)
    row = events.iloc[0]
    assert (row.event_id_cnty, row.event_date, row.end_date, row.time_precision) == ("IND1", "2025-05-04", "2025-05-04", 1)
    assert (row.latitude, row.longitude, row.fatalities) == (33.77, 74.09, 0)
    assert row.timestamp == "1746489600" and row.year == "2025"   # other columns kept as they are
    assert row.status == "pending" and row.source_line == 2


def test_newsroom_csv_with_bom_semicolons_aliases_and_dayfirst(tmp_path):
    path = _csv(tmp_path / "news.csv", "\ufeffDate;Place;Type;Description;Deaths\n"
                "05/06/2025;Poonch;Shelling;two hurt;0\n13/06/2025;Rajouri;Shelling;;\n")
    events = geo.read_events(path, dayfirst=True)
    assert list(events["event_date"]) == ["2025-06-05", "2025-06-13"]
    assert list(events["location"]) == ["Poonch", "Rajouri"]
    assert list(events["notes"]) == ["two hurt", ""]
    assert events["fatalities"].tolist()[0] == 0 and events["fatalities"].isna().tolist()[1]


def test_ambiguous_dates_without_a_flag_make_only_those_rows_invalid(tmp_path):
    path = _csv(tmp_path / "news.csv", "date,place\n05/06/2025,Poonch\n13/06/2025,Rajouri\n")
    events = geo.read_events(path)
    assert list(events["status"]) == ["invalid", "pending"]
    assert "--dayfirst or --monthfirst" in events["status_reason"][0]
    assert events["status_field"][0] == "event_date"


def test_column_map_option(tmp_path):
    path = _csv(tmp_path / "t.tsv", "\t".join(ROWS[0]) + "\n" + "\n".join("\t".join(r.values()) for r in ROWS) + "\n")
    events = geo.read_events(path, columns="date=when,location=site", dayfirst=True)
    assert list(events["location"]) == ["Poonch", "Rajouri"]
    assert list(events["event_date"]) == ["2025-06-05", "2025-06-13"]
    assert list(events["source"]) == ["https://a.example/1", "https://a.example/2"]
    with pytest.raises(InputError, match="no input column 'nope'"):
        geo.read_events(path, columns="location=nope")
    with pytest.raises(InputError, match="not a record column"):
        geo.read_events(path, columns="wibble=site")


def test_bad_values_make_only_their_row_invalid(tmp_path):
    path = _csv(tmp_path / "bad.csv",
                "event_date,end_date,location,latitude,longitude,fatalities\n"
                "2025-05-04,,Poonch,,,1\n"
                "2025-13-45,,Poonch,,,\n"
                "2025-05-04,,Poonch,123,74,\n"
                "2025-05-04,,Poonch,,,many\n"
                "2025-05-04,2025-05-01,Poonch,,,\n"
                "2025-05-04,,Poonch,33.7,,\n")
    events = geo.read_events(path)
    assert list(events["status"]) == ["pending"] + ["invalid"] * 5
    assert list(events["status_field"][1:]) == ["event_date", "latitude", "fatalities", "end_date",
                                                  "latitude,longitude"]
    reasons = list(events["status_reason"])
    assert "'2025-13-45'" in reasons[1] and "'123' is outside -90..90" in reasons[2]
    assert "'many'" in reasons[3] and "before event_date" in reasons[4]
    assert list(events["source_line"]) == [2, 3, 4, 5, 6, 7]


def test_line_numbers_follow_multiline_quotes_and_blank_lines(tmp_path):
    path = _csv(tmp_path / "q.csv", 'event_date,location,notes\n2025-05-04,Poonch,"two\nlines"\n\n'
                "2025-05-05,Rajouri,x\n")
    assert list(geo.read_events(path)["source_line"]) == [2, 5]


def test_duplicate_ids_are_invalid_naming_the_first(tmp_path):
    path = _csv(tmp_path / "d.csv", "event_id_cnty,event_date,location\nA,2025-05-04,Poonch\nA,2025-05-05,Rajouri\n")
    events = geo.read_events(path)
    assert list(events["status"]) == ["pending", "invalid"]
    assert "d.csv:2" in events["status_reason"][1]


def test_generated_ids_are_unique(tmp_path):
    path = _csv(tmp_path / "noid.csv", "date,place\n2025-05-04,Poonch\n2025-05-05,Rajouri\n")
    assert list(geo.read_events(path)["event_id_cnty"]) == ["noid:2", "noid:3"]


def test_json_array_and_lines(tmp_path):
    array = tmp_path / "a.json"
    array.write_text('[\n {"date": "2025-05-04", "place": "Poonch", "deaths": 1, "tags": ["x"]},\n\n'
                     ' {"date": "2025-05-05", "place": "Rajouri", "deaths": null}\n]')
    events = geo.read_events(array)
    assert list(events["source_line"]) == [2, 4]
    assert events["tags"][0] == '["x"]' and events["fatalities"][0] == 1
    lines = tmp_path / "a.jsonl"
    lines.write_text('{"date": "2025-05-04", "place": "Poonch"}\n\n{"date": "2025-05-05", "place": "Rajouri"}\n')
    assert list(geo.read_events(lines)["source_line"]) == [1, 3]


def test_geojson_points_keep_their_coordinates(tmp_path):
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [74.09, 33.77]},
         "properties": {"event_date": "2025-05-04", "location": "Poonch"}},
        {"type": "Feature", "geometry": None, "properties": {"event_date": "2025-05-05", "location": "Rajouri"}},
    ]}))
    events = geo.read_events(path)
    assert events["latitude"][0] == 33.77 and events["longitude"][0] == 74.09
    assert events["latitude"].isna()[1]


def test_xlsx_with_real_dates(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Place", "Deaths"])
    sheet.append([datetime(2025, 5, 4), "Poonch", 2])
    sheet.append([None, None, None])
    sheet.append(["May 2025", "Rajouri", None])
    path = tmp_path / "n.xlsx"
    book.save(path)
    events = geo.read_events(path)
    assert list(events["event_date"]) == ["2025-05-04", "2025-05-01"]
    assert list(events["end_date"]) == ["2025-05-04", "2025-05-31"]
    assert list(events["time_precision"]) == [1, 3]
    assert list(events["source_line"]) == [2, 4]


def test_folder_reads_every_supported_file(tmp_path):
    _csv(tmp_path / "a.csv", "date,place\n2025-05-04,Poonch\n")
    (tmp_path / "b.jsonl").write_text('{"date": "2025-05-05", "place": "Rajouri"}\n')
    (tmp_path / "notes.odt").write_text("ignored: not a supported type")
    events = geo.read_events(tmp_path)
    assert sorted(events["location"]) == ["Poonch", "Rajouri"]
    assert sorted(events["source_file"].map(lambda f: f.rsplit("/", 1)[-1])) == ["a.csv", "b.jsonl"]


def test_explicit_encoding(tmp_path):
    path = _csv(tmp_path / "l.csv", "date,place,notes\n2025-05-04,Poonch,café\n", encoding="latin-1")
    with pytest.raises(InputError, match=r"line 2: byte 0xe9 .* --encoding"):
        geo.read_events(path)
    assert geo.read_events(path, encoding="latin-1")["notes"][0] == "café"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(alphabet=st.sampled_from(list('ab,;\t"\n\r 0-9é\x00')), max_size=200)
       .map(lambda t: ("event_date,location\n" + t).encode()))
def test_csv_reader_fails_only_with_project_errors(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        table = read_table(path)
        geo.normalise(table, file=str(path))
    except GeoError as exc:
        assert str(path) in str(exc)
