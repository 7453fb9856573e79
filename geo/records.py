"""Event records: input tables -> one validated frame in the ACLED schema, nothing dropped.

:func:`read_events` reads files and folders; :func:`normalise` turns any table (a reader's, an
extraction's or a user's DataFrame) into records: ACLED column names, ISO date spans with a
time_precision, numeric coordinates and fatalities. A bad value makes only its row ``invalid``
(``status_reason`` says which field and why); the rest stays ``pending`` for the join.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from geo.dates import DateParseError, parse_date
from geo.errors import InputError
from geo.readers import EXTENSIONS, detect_format, read_table
from geo.schema import DERIVED_COLUMNS, RECORD_COLUMNS, header_map, parse_column_map

if TYPE_CHECKING:
    import pandas as pd

#: Marks a frame :func:`normalise` produced, so the join does not redo the work.
NORMALISED = "incidentmap_records"
_PLACE_COLUMNS = ("location", "latitude", "longitude", "admin2", "admin1", "country")


def expand_inputs(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand folders into the supported files they hold (sorted, not recursive).

    Raises
    ------
    InputError
        For a missing path or a folder without supported files.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.is_file() and not p.name.startswith(".")
                           and p.suffix.lower() in EXTENSIONS)
            if not found:
                raise InputError(f"folder holds no supported input files ({', '.join(sorted(EXTENSIONS))})",
                                 file=str(path))
            out.extend(found)
        elif not path.exists():
            raise InputError("no such file", file=str(path))
        else:
            out.append(path)
    if not out:
        raise InputError("no input given", file="(inputs)")
    return out


def read_events(paths: str | os.PathLike | Iterable[str | os.PathLike], *, format: str | None = None,
                encoding: str | None = None, columns: str | Mapping[str, str] | None = None,
                dayfirst: bool | None = None, gazetteer=None, article_date: str | None = None):
    """Read event records from files and folders into one frame in the ACLED schema.

    Parameters
    ----------
    paths : path or iterable of paths
        Input files (CSV/TSV, .xlsx, JSON, JSON Lines, GeoJSON, GeoPackage, GeoParquet, or
        articles .txt/.md/.html for the extraction module) and folders of them.
    format : str, optional
        Force a format for every file (see :data:`geo.readers.FORMATS`).
    encoding : str, optional
        Text encoding of CSV/JSON inputs (default strict UTF-8, BOM allowed).
    columns : str or mapping, optional
        Extra header mapping, e.g. ``"date=when,location=site"``.
    dayfirst : bool, optional
        Order of all-numeric dates; None refuses ambiguous ones (the row becomes invalid).
    gazetteer : gazetteer.Gazetteer, optional
        Passed to the article extraction.
    article_date : str, optional
        Publication date for articles that carry none.

    Returns
    -------
    pandas.DataFrame
        One row per input record: the record columns, any extra input columns, ``status``
        (``pending`` or ``invalid``), ``status_field``, ``status_reason``, ``source_file``,
        ``source_line``.

    Raises
    ------
    InputError
        When a file cannot be read as a whole.
    """
    import pandas as pd

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    try:
        column_map = parse_column_map(columns)
    except ValueError as exc:
        raise InputError(str(exc), file="--columns") from None
    files = expand_inputs(paths)
    articles = [p for p in files if detect_format(p, format) == "article"]
    frames = []
    for path in files:
        if path in articles:
            continue
        frames.append(normalise(read_table(path, format, encoding), file=str(path),
                                columns=column_map, dayfirst=dayfirst, _dedupe_ids=False))
    if articles:
        frames.append(normalise(_read_articles(articles, gazetteer, article_date),
                                file=None, columns=None, dayfirst=dayfirst, _dedupe_ids=False))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    _mark_duplicate_ids(frame)
    frame.attrs[NORMALISED] = True
    return frame


def _read_articles(paths: list[Path], gazetteer, article_date: str | None):
    try:
        from geo.extract import read_articles
    except ImportError:
        raise InputError("article input (.txt/.md/.html) needs the extraction module "
                         "(geo.extract), which is not available in this build",
                         file=str(paths[0])) from None
    return read_articles(paths, gazetteer=gazetteer, date=article_date)


def normalise(table: pd.DataFrame, *, file: str | None = None,
              columns: Mapping[str, str] | None = None, dayfirst: bool | None = None,
              _dedupe_ids: bool = True) -> pd.DataFrame:
    """Turn one table into validated records (see :func:`read_events` for the result).

    Parameters
    ----------
    table : pandas.DataFrame
        Input headers as columns, any values; ``source_line`` (and ``source_file``) optional.
    file : str, optional
        The file the table came from (for messages, ``source_file`` and generated ids).
    columns : mapping, optional
        Record column -> input header overrides.
    dayfirst : bool, optional
        Order of all-numeric dates.

    Raises
    ------
    InputError
        When the table lacks a date column or any place column.
    """
    import pandas as pd

    where = file or "(table)"
    frame = table.copy(deep=False)   # columns are replaced, never changed in place
    del table                        # so that replaced input columns can be freed
    lines = frame.pop("source_line") if "source_line" in frame else pd.Series(
        range(2, len(frame) + 2), index=frame.index)
    files = frame.pop("source_file") if "source_file" in frame and file is None else None
    frame = frame.drop(columns=[c for c in frame.columns if c in DERIVED_COLUMNS or c == "geometry"])
    headers = [str(c) for c in frame.columns]
    try:
        mapping = header_map(headers, columns)
    except KeyError as exc:
        raise InputError(exc.args[0], file=where, line=1) from None
    frame.columns = [mapping[str(c)] for c in frame.columns]
    if "event_date" not in frame:
        raise InputError(
            f"no event_date column (columns: {', '.join(headers)}); "
            "name one with --columns event_date=COLUMN", file=where, line=1)
    if not any(c in frame for c in _PLACE_COLUMNS):
        raise InputError(
            "no place column (location, latitude/longitude, admin2, admin1 or country); "
            "name one with --columns location=COLUMN", file=where, line=1)
    n = len(frame)
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        frame[name] = _text(frame[name])
    for name in RECORD_COLUMNS:
        if name not in frame:
            frame[name] = pd.Series([""] * n, dtype="str")
    frame["source_file"] = (_text(files).reset_index(drop=True) if files is not None
                            else pd.Series([where] * n, dtype="str"))
    frame["source_line"] = pd.Series(lines).reset_index(drop=True).astype("int64")

    # (field, bad-row mask, message: text, per-row Series, or a function of the mask)
    problems: list[tuple] = []
    _dates(frame, dayfirst, problems)
    _numbers(frame, problems)
    blank_id = frame["event_id_cnty"] == ""
    if blank_id.any():
        stems = frame["source_file"].map(lambda f: Path(f).stem)
        generated = stems + ":" + frame["source_line"].astype(str)
        repeat = generated.groupby(generated).cumcount()  # several records on one line
        generated = generated.where(repeat == 0, generated + "-" + (repeat + 1).astype(str))
        frame["event_id_cnty"] = frame["event_id_cnty"].where(~blank_id, generated)

    fields: dict[int, list[str]] = {}
    reasons: dict[int, list[str]] = {}
    for name, bad, message in problems:
        bad = bad.fillna(False).astype(bool).to_numpy()
        if not bad.any():
            continue
        if callable(message):
            texts = message(bad)   # built for the bad rows only
        else:
            texts = message[bad] if isinstance(message, pd.Series) else None
        for k, i in enumerate(bad.nonzero()[0]):
            fields.setdefault(int(i), []).append(name)
            reasons.setdefault(int(i), []).append(
                f"{name}: {texts.iloc[k] if texts is not None else message}")
    field = pd.Series([""] * n, dtype="str")
    reason = pd.Series([""] * n, dtype="str")
    if fields:
        rows = list(fields)
        field.iloc[rows] = [",".join(fields[i]) for i in rows]
        reason.iloc[rows] = ["; ".join(reasons[i]) for i in rows]
    frame["status"] = pd.Series(["pending"] * n, dtype="str").where(reason == "", "invalid")
    frame["status_field"] = field
    frame["status_reason"] = reason
    order = [*RECORD_COLUMNS, *[c for c in frame.columns if c not in RECORD_COLUMNS
                                 and c not in ("status", "status_field", "status_reason",
                                               "source_file", "source_line")],
             "status", "status_field", "status_reason", "source_file", "source_line"]
    frame = frame[order]
    if _dedupe_ids:
        _mark_duplicate_ids(frame)
    frame.attrs[NORMALISED] = True
    return frame


def _text(series: pd.Series) -> pd.Series:
    """Values as stripped strings, "" for missing (any input dtype)."""
    import pandas as pd

    if series.dtype == object or not pd.api.types.is_string_dtype(series):
        from geo.readers import cell_text

        series = series.astype(object).map(
            lambda v: "" if v is None or v is pd.NA or v is pd.NaT else cell_text(
                v.to_pydatetime() if isinstance(v, pd.Timestamp) else v))
    series = series.astype("str")
    if series.hasnans:
        series = series.fillna("")
    stripped = series.str.strip()
    return series if stripped.equals(series) else stripped   # keep the original when unchanged


def _dates(frame: pd.DataFrame, dayfirst: bool | None, problems: list) -> None:
    """Parse event_date/end_date (distinct values only) into ISO spans and time_precision."""
    import numpy as np
    import pandas as pd

    def parse(column: str) -> dict[str, pd.Series]:
        """Parse each distinct value once; spread the results with factorize codes."""
        codes, uniques = pd.factorize(frame[column])
        first, last, precision, error = [], [], [], []
        for value in uniques:
            span, message = None, None
            if value != "":
                try:
                    span = parse_date(value, dayfirst)
                except DateParseError as exc:
                    message = str(exc)
            first.append(span.start.isoformat() if span else None)
            last.append(span.end.isoformat() if span else None)
            precision.append(span.precision if span else np.nan)
            error.append(message)
        out = {}
        for key, values in (("start", first), ("end", last), ("precision", precision), ("error", error)):
            array = np.asarray(values + [None], dtype=object)   # code -1 (missing) picks None
            out[key] = pd.Series(array[codes], index=frame.index)
        out["precision"] = pd.to_numeric(out["precision"])
        return out

    begin, finish = parse("event_date"), parse("end_date")
    start, start_end, precision = begin["start"], begin["end"], begin["precision"]
    end_start, end = finish["start"], finish["end"]
    empty = frame["event_date"] == ""
    problems.append(("event_date", empty, "missing"))
    problems.append(("event_date", begin["error"].notna(), begin["error"]))
    problems.append(("end_date", finish["error"].notna(), finish["error"]))
    ok = start.notna()
    final_end = end.where(end.notna(), start_end)
    backwards = ok & end.notna() & (end_start < start)
    problems.append(("end_date", backwards.fillna(False).astype(bool),
                     lambda rows: "'" + frame["end_date"][rows] + "' is before event_date '"
                     + frame["event_date"][rows] + "'"))
    given = pd.to_numeric(frame["time_precision"].where(frame["time_precision"] != ""), errors="coerce")
    bad_tp = (frame["time_precision"] != "") & ~given.isin([1, 2, 3])
    problems.append(("time_precision", bad_tp, lambda rows, raw=frame["time_precision"]:
                     "'" + raw[rows] + "' is not 1 (day), 2 (week) or 3 (month)"))
    tp = pd.concat([pd.to_numeric(precision), given.where(~bad_tp)], axis=1).max(axis=1)
    frame["event_date"] = start.where(ok, frame["event_date"]).astype("str")
    frame["end_date"] = final_end.where(ok & ~backwards.fillna(False), frame["end_date"]).astype("str")
    frame["time_precision"] = tp.round().astype("Int64")


def _numbers(frame: pd.DataFrame, problems: list) -> None:
    """Coordinates, geo_precision and fatalities as numbers; bad values make the row invalid."""
    import pandas as pd

    coords = {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        raw = frame[name]
        value = pd.to_numeric(raw.where(raw != ""), errors="coerce").astype("float64")
        not_number = (raw != "") & value.isna()
        problems.append((name, not_number, lambda rows, raw=raw: "'" + raw[rows] + "' is not a number"))
        out = value.abs() > limit
        problems.append((name, out, lambda rows, raw=raw, limit=limit:
                         "'" + raw[rows] + f"' is outside -{limit}..{limit}"))
        coords[name] = value.where(~out)
    lat, lon = coords["latitude"], coords["longitude"]
    half = lat.isna() != lon.isna()
    one_given = (frame["latitude"] == "") != (frame["longitude"] == "")
    problems.append(("latitude,longitude", one_given,
                     "only one of latitude/longitude is given"))
    frame["latitude"], frame["longitude"] = lat.where(~half), lon.where(~half)

    raw = frame["geo_precision"]
    gp = pd.to_numeric(raw.where(raw != ""), errors="coerce")
    bad = (raw != "") & ~gp.isin([1, 2, 3])
    problems.append(("geo_precision", bad, lambda rows, raw=raw: "'" + raw[rows] + "' is not 1, 2 or 3"))
    frame["geo_precision"] = gp.where(~bad).round().astype("Int64")

    raw = frame["fatalities"]
    number = pd.to_numeric(raw.where(raw != ""), errors="coerce")
    huge = (raw != "") & (number >= 2**53)
    bad = (raw != "") & ~huge & (number.isna() | (number < 0) | (number % 1 != 0))
    problems.append(("fatalities", bad, lambda rows, raw=raw: "'" + raw[rows] + "' is not a whole number >= 0"))
    problems.append(("fatalities", huge, lambda rows, raw=raw: "'" + raw[rows] + "' is too large (at most 2^53 - 1)"))
    frame["fatalities"] = number.where(~(bad | huge)).astype("Float64").round().astype("Int64")


def _mark_duplicate_ids(frame: pd.DataFrame) -> None:
    """A repeated event_id_cnty makes the later rows invalid, naming the first occurrence."""
    dup = frame["event_id_cnty"].duplicated(keep="first")
    if not dup.any():
        return
    first = frame.drop_duplicates("event_id_cnty").set_index("event_id_cnty")
    where = first["source_file"] + ":" + first["source_line"].astype(str)
    rows = dup[dup].index
    message = ("event_id_cnty: duplicate of the record at "
               + frame.loc[rows, "event_id_cnty"].map(where))
    frame.loc[rows, "status"] = "invalid"
    frame.loc[rows, "status_field"] = frame.loc[rows, "status_field"].where(
        frame.loc[rows, "status_field"] == "", frame.loc[rows, "status_field"] + ",") + "event_id_cnty"
    frame.loc[rows, "status_reason"] = frame.loc[rows, "status_reason"].where(
        frame.loc[rows, "status_reason"] == "", frame.loc[rows, "status_reason"] + "; ") + message
