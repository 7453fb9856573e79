"""User override files: add, alias, block, pin; malformed files give file/line/field errors."""

from __future__ import annotations

import pytest

from gazetteer import Context, Gazetteer, OverrideError


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_add_a_place_and_an_alias_to_it(tmp_path):
    path = _write(tmp_path, "mine.csv",
                  "action,name,lat,lon,country,kind,precision_km,target\n"
                  "place,Post Charlie,33.701,74.102,IN,landmark,1,\n"
                  "alias,PC-7,,,,,,Post Charlie\n")
    gz = Gazetteer.load(overrides=[path])
    res = gz.resolve("Post Charlie")
    assert (res.place.lat, res.place.lon, res.place.source, res.place.kind) == (33.701, 74.102, "user", "landmark")
    assert gz.resolve("PC-7").place.name == "Post Charlie"
    assert not Gazetteer.load().resolve("Post Charlie").resolved     # the default instance is untouched


def test_block_a_name_and_block_one_place(tmp_path):
    path = _write(tmp_path, "block.tsv",
                  "action\tname\ttarget\n"
                  "block\tPahalgam\t\n"
                  "block\tNowshera\tgeonameid:1261675\n")
    gz = Gazetteer.load(overrides=[path])
    res = gz.resolve("Pahalgam")
    assert not res.resolved and "blocked" in res.reason
    nowshera = gz.resolve("Nowshera", Context(names=("Poonch", "Rajouri")))
    assert nowshera.place.country == "PK"                           # the J&K town is blocked


def test_pin_a_name_to_a_geonames_place(tmp_path):
    path = _write(tmp_path, "pin.csv", "action,name,target\npin,Nowshera,geonameid:1261675\n")
    res = Gazetteer.load(overrides=[path]).resolve("Nowshera", Context(names=("Peshawar",)))
    assert res.place.geonameid == 1261675 and "pinned" in res.reason


@pytest.mark.parametrize("text, line, field, words", [
    ("name,lat\nX,1\n", 1, "action", "missing column"),
    ("action,name,colour\nplace,X,red\n", 1, "colour", "unknown column"),
    ("action,name,lat,lon\nmove,X,1,2\n", 2, "action", "unknown action"),
    ("action,name,lat,lon\nplace,X,north,2\n", 2, "lat", "expected a number"),
    ("action,name,lat,lon\nplace,X,95,2\n", 2, "lat", "outside -90..90"),
    ("action,name,lat,lon,country\nplace,X,1,2,India\n", 2, "country", "ISO-2"),
    ("action,name,lat,lon\n# comment\nplace,,1,2\n", 3, "name", "empty name"),
    ("action,name,target\npin,X,geonameid:1\n", 2, "target", "no bundled place"),
    ("action,name,target\nalias,X,Nowhere Place\n", 2, "target", "neither"),
])
def test_bad_override_files(tmp_path, text, line, field, words):
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(OverrideError) as info:
        Gazetteer.load(overrides=[path])
    err = info.value
    assert (err.file, err.line, err.field) == (path, line, field)
    assert words in str(err) and path in str(err)


def test_missing_and_empty_override_files(tmp_path):
    with pytest.raises(OverrideError, match="file not found"):
        Gazetteer.load(overrides=[str(tmp_path / "none.csv")])
    with pytest.raises(OverrideError, match="empty file"):
        Gazetteer.load(overrides=[_write(tmp_path, "empty.csv", "# nothing\n")])
