"""Readers: one input file -> a table of strings, in the file's own headers, with line numbers.

Every reader returns a :class:`pandas.DataFrame` whose columns are the input headers (all values
``str``, ``""`` when absent) plus ``source_line`` (1-based: the physical line of a CSV/JSON Lines
record, the row of a spreadsheet, the element or feature number of a JSON/GeoJSON/GeoPackage/
GeoParquet input). GeoJSON, GeoPackage and GeoParquet points are returned as ``latitude`` and
``longitude`` columns. A file that cannot be read as a whole raises :class:`InputError` naming
the file (and line and field where there is one).
"""

from __future__ import annotations

import codecs
import csv
import json
import math
import os
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from geo.errors import InputError

#: Formats by file extension; ``article`` goes to the extraction module.
EXTENSIONS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "article", ".md": "article",
    ".html": "article", ".htm": "article", ".xlsx": "xlsx", ".json": "json", ".jsonl": "jsonl",
    ".ndjson": "jsonl", ".geojson": "geojson", ".gpkg": "gpkg", ".parquet": "geoparquet",
    ".geoparquet": "geoparquet",
}
FORMATS: tuple[str, ...] = ("csv", "xlsx", "json", "jsonl", "geojson", "gpkg", "geoparquet", "article")

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 1 << 16


def detect_format(path: Path, fmt: str | None = None) -> str:
    """Return the input format of ``path``: ``fmt`` when given, else from the extension."""
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})", file=str(path))
        return fmt
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError(
            f"unsupported file type {path.suffix or '(no extension)'!r}; expected one of "
            f"{', '.join(sorted(EXTENSIONS))} or --format", file=str(path))
    return found


def read_table(path: str | os.PathLike, fmt: str | None = None, encoding: str | None = None):
    """Read one tabular input file into a DataFrame of strings with ``source_line``.

    Parameters
    ----------
    path : path-like
        The file.
    fmt : str, optional
        One of :data:`FORMATS` except ``article``; default from the extension.
    encoding : str, optional
        Text encoding of CSV/JSON inputs; default UTF-8 (with or without BOM), strictly checked.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    InputError
        When the file is missing, empty, binary, malformed or of the wrong kind.
    """
    path = Path(path)
    fmt = detect_format(path, fmt)
    _check_file(path)
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "json": _read_json, "jsonl": _read_jsonl,
              "geojson": _read_geojson, "gpkg": _read_ogr, "geoparquet": _read_geoparquet}.get(fmt)
    if reader is None:
        raise InputError(f"{fmt} input is not a table", file=str(path))
    try:
        if fmt in ("csv", "json", "jsonl", "geojson"):
            return reader(path, encoding)
        return reader(path)
    except RecursionError:  # json: arrays or objects nested thousands deep
        raise InputError("values are nested too deeply to read", file=str(path)) from None


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError("no such file", file=str(path))
    if path.is_dir():
        raise InputError("is a folder, expected a file", file=str(path))
    if path.stat().st_size == 0:
        raise InputError("file is empty", file=str(path))


def _head(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(_SNIFF_BYTES)


def _check_text(path: Path, head: bytes, what: str) -> None:
    if head.startswith(b"PK\x03\x04"):
        raise InputError(f"is a zip/Excel file, not {what}; use a .xlsx name or --format xlsx",
                         file=str(path))
    if b"\x00" in head:
        raise InputError(f"is a binary file, not {what}", file=str(path))


def _decode_error(path: Path, encoding: str) -> InputError:
    """Locate the first undecodable byte of a text file and describe it."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line, offset = 1, 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                pos = max(exc.start - (len(exc.object) - len(chunk)), 0)
                line += chunk.count(b"\n", 0, pos)
                byte = chunk[pos:pos + 1].hex()
                name = "UTF-8" if codecs.lookup(encoding).name.startswith("utf-8") else encoding
                return InputError(
                    f"byte 0x{byte} at offset {offset + pos} is not valid {name}; if the file "
                    "uses another encoding pass e.g. --encoding latin-1 or --encoding cp1252",
                    file=str(path), line=line)
            line += chunk.count(b"\n")
            offset += len(chunk)
    return InputError(f"text is not valid {encoding}", file=str(path))


def _text_encoding(encoding: str | None) -> str:
    name = encoding or "utf-8"
    try:
        codecs.lookup(name)
    except LookupError:
        raise InputError(f"unknown encoding {name!r}", file="--encoding") from None
    return "utf-8-sig" if codecs.lookup(name).name == "utf-8" else name


# -- CSV / TSV -------------------------------------------------------------------------------

def _sniff_delimiter(path: Path, header: str) -> str:
    counts = {d: _count_outside_quotes(header, d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == "\t" and path.suffix.lower() == ".tsv"))
    if counts[best] == 0:
        raise InputError("the header has a single column (no , ; tab or | delimiter found); "
                         "not a delimited table", file=str(path), line=1)
    return best


def _count_outside_quotes(line: str, delimiter: str) -> int:
    return len(re.sub(r'"[^"]*"', "", line).split(delimiter)) - 1


def _header_record(reader, path: Path) -> list[str]:
    """The first record of a CSV reader; an error when it is missing or blank."""
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise InputError("no header line", file=str(path), line=1)
    return header


def _csv_lines(path: Path, encoding: str, delimiter: str) -> tuple[list[str], list[int]]:
    """Check every record's field count and return (header, start line of each record)."""
    lines: list[int] = []
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            header = _header_record(reader, path)
            width, prev = len(header), reader.line_num
            for row in reader:
                if not row:
                    prev = reader.line_num
                    continue
                if len(row) != width:
                    raise InputError(
                        f"{len(row)} field(s) where the header has {width} (wrong or mixed "
                        f"delimiter? the header uses {delimiter!r})", file=str(path), line=prev + 1)
                lines.append(prev + 1)
                prev = reader.line_num
    except UnicodeDecodeError:
        raise _decode_error(path, encoding) from None
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a field is longer than {csv.field_size_limit()} characters; not an event table?"
        elif "unexpected end of data" in message:
            message = "unterminated quoted field (a \" opened and never closed)"
        raise InputError(message, file=str(path), line=prev + 1) from None
    return header, lines


def _read_csv(path: Path, encoding: str | None):
    head = _head(path)
    _check_text(path, head, "a CSV/TSV table")
    enc = _text_encoding(encoding)
    if len(head) == _SNIFF_BYTES and b"\n" not in head:
        raise InputError(f"the first line is longer than {_SNIFF_BYTES // 1024} KiB; not a table "
                         "header", file=str(path), line=1)
    lines_head = head.decode(enc, errors="replace").splitlines()  # for sniffing only
    first = next((line for line in lines_head if line.strip()), None)
    if first is None:
        raise InputError("holds only blank text", file=str(path))
    delimiter = _sniff_delimiter(path, first)
    header, header_lines = _header(path, enc, delimiter)
    _check_headers(path, header)
    # Fast path: Arrow's multithreaded reader. On any complaint the csv-module scan finds the
    # exact line and says what is wrong; it also numbers lines when quoted values span lines
    # or blank lines occur.
    try:
        frame = _arrow_csv(path, enc, delimiter, header, header_lines)
    except Exception as exc:  # pyarrow.ArrowInvalid and friends; re-diagnosed below
        _csv_lines(path, enc, delimiter)
        raise InputError(f"cannot parse: {exc}", file=str(path)) from None
    if len(frame) == 0:
        raise InputError("has a header but no records", file=str(path), line=1)
    lines = _plain_lines(path, header_lines, len(frame))
    if lines is None:
        lines = _csv_lines(path, enc, delimiter)[1]
        if len(lines) != len(frame):
            raise InputError(f"{len(frame)} records parsed but {len(lines)} found by line scan; "
                             "check quoting", file=str(path))
    _check_fields(path, frame, lines)
    frame["source_line"] = lines
    return frame


def _header(path: Path, encoding: str, delimiter: str) -> tuple[list[str], int]:
    """The header record and the number of physical lines it takes."""
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter, strict=True)
            header = _header_record(reader, path)
            return [h.lstrip("\ufeff") for h in header], reader.line_num
    except UnicodeDecodeError:
        raise _decode_error(path, encoding) from None
    except csv.Error as exc:
        raise InputError(f"cannot read the header: {exc}", file=str(path), line=1) from None


def _arrow_csv(path: Path, encoding: str, delimiter: str, header: list[str], header_lines: int):
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    from pyarrow import csv as pacsv

    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24,
                                       encoding="utf8" if encoding == "utf-8-sig" else encoding),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                         newlines_in_values=True, ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                             strings_can_be_null=False))
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    return table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get)


def _plain_lines(path: Path, header_lines: int, records: int) -> list[int] | range | None:
    """Line numbers when every record is one line and no line is blank, else None.

    None too when the file holds an odd number of ``"``: a quote may be left open at the end,
    which Arrow accepts but the line scan reports.
    """
    newlines, quotes, last = 0, 0, b"\n"
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 24), b""):
            newlines += chunk.count(b"\n")
            quotes += chunk.count(b'"')
            last = chunk[-1:]
    physical = newlines + (last != b"\n")
    if physical != header_lines + records or quotes % 2:
        return None
    return range(header_lines + 1, header_lines + records + 1)


def _check_fields(path: Path, frame, lines) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    limit = csv.field_size_limit()
    for name in frame.columns:
        values = pa.array(frame[name].array)
        lengths = pc.utf8_length(values)
        if pc.max(lengths).as_py() > limit:
            row = int(np.flatnonzero(lengths.to_numpy(zero_copy_only=False) > limit)[0])
            raise InputError(f"a field is longer than {limit} characters; not an event table?",
                             file=str(path), line=lines[row], field=name)
        nul = pc.match_substring(values, "\x00")      # past the sniffed head, which is checked whole
        if pc.any(nul).as_py():
            row = int(np.flatnonzero(nul.to_numpy(zero_copy_only=False))[0])
            raise InputError("holds a NUL byte: a binary file or a damaged table", file=str(path),
                             line=lines[row], field=name)


def _check_headers(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(header, 1):
        key = name.strip().lstrip("\ufeff")
        if not key:
            raise InputError(f"column {i} has an empty header", file=str(path), line=1)
        if key in seen:
            raise InputError(f"duplicate column {key!r} (columns {seen[key]} and {i})",
                             file=str(path), line=1, field=key)
        seen[key] = i


# -- cell values ---------------------------------------------------------------------------

def cell_text(value: Any) -> str:
    """Turn one cell value of any reader into the string the records layer parses."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _frame(path: Path, rows: list[dict[str, str]], lines: list[int]):
    import pandas as pd

    if not rows:
        raise InputError("holds no records", file=str(path))
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    frame = pd.DataFrame.from_records(rows, columns=list(columns)).fillna("").astype(str)
    frame["source_line"] = lines
    return frame


def _record(path: Path, obj: Any, line: int, what: str) -> dict[str, str]:
    if not isinstance(obj, dict):
        raise InputError(f"{what} is a {type(obj).__name__}, expected an object of fields",
                         file=str(path), line=line)
    return {str(k): cell_text(v) for k, v in obj.items()}


# -- JSON, JSON Lines ----------------------------------------------------------------------

def _load_text(path: Path, encoding: str | None, what: str) -> str:
    head = _head(path)
    _check_text(path, head, what)
    enc = _text_encoding(encoding)
    try:
        return path.read_text(encoding=enc)
    except UnicodeDecodeError:
        raise _decode_error(path, enc) from None


def _json_error(path: Path, exc: json.JSONDecodeError, line_offset: int = 0) -> InputError:
    return InputError(f"JSON syntax error: {exc.msg} (column {exc.colno})", file=str(path),
                      line=exc.lineno + line_offset)


def _read_json(path: Path, encoding: str | None):
    text = _load_text(path, encoding, "JSON")
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        raise InputError("holds only blank text", file=str(path))
    if text[pos] != "[":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _json_error(path, exc) from None
        if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
            raise InputError("is GeoJSON; name it .geojson or pass --format geojson", file=str(path))
        raise InputError(f"top level is a {type(obj).__name__}, expected an array of records",
                         file=str(path), line=1)
    rows, lines = [], []
    pos = _skip_ws(text, pos + 1)
    line = text.count("\n", 0, pos) + 1
    counted = pos
    while pos < len(text) and text[pos] != "]":
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _json_error(path, exc) from None
        rows.append(_record(path, obj, line, f"element {len(rows) + 1}"))
        lines.append(line)
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
        elif pos >= len(text) or text[pos] != "]":
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise _json_error(path, exc) from None
    if pos >= len(text):
        raise InputError("JSON syntax error: array not closed", file=str(path),
                         line=text.count("\n") + 1)
    if text[_skip_ws(text, pos + 1):].strip():
        raise InputError("JSON syntax error: extra data after the array", file=str(path),
                         line=text.count("\n", 0, pos) + 1)
    return _frame(path, rows, lines)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _read_jsonl(path: Path, encoding: str | None):
    text = _load_text(path, encoding, "JSON Lines")
    rows, lines = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON syntax error: {exc.msg} (column {exc.colno})",
                             file=str(path), line=number) from None
        rows.append(_record(path, obj, number, "the line"))
        lines.append(number)
    return _frame(path, rows, lines)


# -- GeoJSON -------------------------------------------------------------------------------

def _read_geojson(path: Path, encoding: str | None):
    text = _load_text(path, encoding, "GeoJSON")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _json_error(path, exc) from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise InputError("FeatureCollection without a 'features' array", file=str(path))
    else:
        raise InputError("is not a GeoJSON Feature or FeatureCollection", file=str(path))
    rows, lines = [], []
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InputError(f"feature {number} is not a GeoJSON Feature", file=str(path), line=number)
        props = feature.get("properties") or {}
        row = _record(path, props, number, f"feature {number} properties")
        lat, lon = _point(path, feature.get("geometry"), number)
        if lat is not None:
            row["latitude"], row["longitude"] = lat, lon
        rows.append(row)
        lines.append(number)
    return _frame(path, rows, lines)


def _point(path: Path, geometry: Any, number: int) -> tuple[str | None, str | None]:
    if geometry is None:
        return None, None
    kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
    if kind != "Point":
        raise InputError(f"feature {number} has a {kind} geometry; only Point (or null) is "
                         "supported", file=str(path), line=number, field="geometry")
    coords = geometry.get("coordinates")
    if (not isinstance(coords, list) or len(coords) < 2
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords[:2])):
        raise InputError(f"feature {number}: Point coordinates must be [lon, lat] numbers",
                         file=str(path), line=number, field="geometry")
    lon, lat = float(coords[0]), float(coords[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InputError(f"feature {number}: [lon, lat] = [{lon}, {lat}] is out of range "
                         "(GeoJSON is WGS 84 lon/lat, RFC 7946)", file=str(path), line=number,
                         field="geometry")
    return repr(lat), repr(lon)


# -- Excel ---------------------------------------------------------------------------------

def _read_xlsx(path: Path):
    import zipfile

    from openpyxl import load_workbook

    head = _head(path)
    if not head.startswith(b"PK\x03\x04"):
        kind = "text (a CSV?)" if b"\x00" not in head else "not a zip container"
        raise InputError(f"is not an Excel .xlsx file (it is {kind}); rename it or pass --format",
                         file=str(path))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"is not a readable Excel .xlsx file ({exc})", file=str(path)) from None
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = None
        header_line = 0
        for number, values in enumerate(rows_iter, 1):
            if any(v not in (None, "") for v in values):
                header, header_line = [cell_text(v).strip() for v in values], number
                break
        if header is None:
            raise InputError(f"sheet {sheet.title!r} is empty", file=str(path))
        while header and not header[-1]:
            header.pop()
        _check_headers(path, header)
        rows, lines = [], []
        for number, values in enumerate(rows_iter, header_line + 1):
            cells = [cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if any(c.strip() for c in cells[len(header):]):
                raise InputError(f"values beyond the {len(header)} headed columns",
                                 file=str(path), line=number)
            cells = (cells + [""] * len(header))[:len(header)]
            rows.append(dict(zip(header, cells)))
            lines.append(number)
    finally:
        book.close()
    if not rows:
        raise InputError(f"sheet {sheet.title!r} has a header but no records", file=str(path),
                         line=header_line)
    return _frame(path, rows, lines)


# -- GeoPackage, GeoParquet -----------------------------------------------------------------

def _read_ogr(path: Path):
    import pyogrio

    try:
        gdf = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError and others
        raise InputError(f"GDAL cannot read it: {exc}", file=str(path)) from None
    return _from_geoframe(path, gdf)


def _read_geoparquet(path: Path):
    import geopandas

    try:
        gdf = geopandas.read_parquet(path)
    except Exception as exc:  # pyarrow raises a wide range of errors for non-parquet input
        raise InputError(f"is not a readable GeoParquet file: {exc}", file=str(path)) from None
    return _from_geoframe(path, gdf)


def _from_geoframe(path: Path, gdf):
    import geopandas
    import numpy as np
    import pandas as pd
    import shapely

    if len(gdf) == 0:
        raise InputError("holds no records", file=str(path))
    geometry = gdf.geometry if isinstance(gdf, geopandas.GeoDataFrame) else None
    frame = pd.DataFrame(gdf.drop(columns=[geometry.name]) if geometry is not None else gdf)
    for name in frame.columns:
        frame[name] = [cell_text(v.to_pydatetime() if isinstance(v, pd.Timestamp) else
                                 (None if v is pd.NA or v is pd.NaT else v))
                       for v in frame[name].astype(object)]
    if geometry is not None:
        if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
            geometry = geometry.to_crs(4326)
        kinds = geometry.geom_type
        bad = kinds.notna() & (kinds != "Point")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"feature {i + 1} has a {kinds.iloc[i]} geometry; only Point (or "
                             "empty) is supported", file=str(path), line=i + 1, field="geometry")
        points = geometry.to_numpy()
        lon, lat = shapely.get_x(points), shapely.get_y(points)  # NaN for None and empty
        has = ~np.isnan(lon)
        frame["latitude"] = [repr(float(v)) if ok else "" for v, ok in zip(lat, has)]
        frame["longitude"] = [repr(float(v)) if ok else "" for v, ok in zip(lon, has)]
    frame["source_line"] = np.arange(1, len(frame) + 1)
    return frame

