"""Exports: GeoJSON (RFC 7946), CSV, GeoPackage, GeoParquet, KML, and the unmapped-rows report.

Every writer goes through :mod:`geo.atomic`. Exported columns are the record columns, any
extra input columns and the resolution fields; ``status``/``status_reason`` are added when
unmapped rows are kept. The accounting columns ``status_field``, ``source_file`` and
``source_line`` stay out (they describe this run's inputs, and would clash on re-import).
In formats with a geometry the coordinates live only there; CSV carries ``latitude``/``longitude``,
and its text cells are defused for spreadsheets (:mod:`geo.spreadsheet`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from geo.atomic import atomic_path, check_output
from geo.errors import GeoError, OutputError
from geo.spreadsheet import defuse_frame

if TYPE_CHECKING:
    import geopandas

#: Output formats by extension.
WRITERS: dict[str, str] = {".geojson": "geojson", ".csv": "csv",
                           ".gpkg": "gpkg", ".parquet": "geoparquet", ".geoparquet": "geoparquet",
                           ".kml": "kml"}
_DROPPED = ("status_field", "source_file", "source_line")
_LAYER = "events"
#: GDAL options per format written through OGR.
_OGR_OPTIONS: dict[str, dict] = {
    # RFC 7946: WGS 84 lon/lat, no crs member; 6 decimals is about 0.1 m
    "geojson": dict(driver="GeoJSON", RFC7946="YES", COORDINATE_PRECISION=6, WRITE_NAME="NO"),
    "gpkg": dict(driver="GPKG"),
    "kml": dict(driver="KML", dataset_options={"NameField": "location", "DescriptionField": "notes"}),
}
_BATCH_ROWS = 100_000   # rows per Arrow batch streamed to GDAL


class ExportError(GeoError, ValueError):
    """The export cannot be made as asked (unknown format, unmapped rows where none may go)."""


def output_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    """Return the export format for ``path`` (``fmt`` wins over the extension)."""
    found = fmt or WRITERS.get(Path(path).suffix.lower())
    if found not in set(WRITERS.values()):
        raise ExportError(f"{path}: cannot tell the output format from {Path(path).suffix!r}; "
                          f"use one of {', '.join(sorted(WRITERS))}")
    return found


def export_frame(gdf: geopandas.GeoDataFrame, keep_unmapped: bool = False) -> geopandas.GeoDataFrame:
    """The rows and columns an export writes (mapped rows only unless ``keep_unmapped``)."""
    dropped = [*_DROPPED, *(() if keep_unmapped else ("status", "status_reason"))]
    rows = gdf.drop(columns=[c for c in dropped if c in gdf])   # before filtering: less to copy
    if not keep_unmapped:
        rows = rows[(gdf["status"] == "mapped").to_numpy()]
    return rows.reset_index(drop=True)


def write(gdf: geopandas.GeoDataFrame, path: str | os.PathLike, *, format: str | None = None,
          keep_unmapped: bool = False, force: bool = False,
          inputs: Iterable[str | os.PathLike] = ()) -> int:
    """Write records to a GIS file atomically.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        From :func:`geo.to_geodataframe` (the column contract).
    path : path-like
        Output file; the format comes from its extension (.geojson, .csv, .gpkg, .parquet, .kml)
        unless ``format`` is given.
    keep_unmapped : bool
        Also write unmapped rows with a null geometry (empty latitude/longitude in CSV).
    force : bool
        Replace an existing file.
    inputs : iterable of path-like
        Input files; writing onto one of them is refused.

    Returns
    -------
    int
        The number of records written.

    Raises
    ------
    OutputError, ExportError
    """
    target = check_output(path, force=force, inputs=inputs)
    fmt = output_format(path, format)
    with atomic_path(target) as temp:
        if fmt in _OGR_OPTIONS:
            return _write_ogr(gdf, temp, fmt, keep_unmapped)
        rows = export_frame(gdf, keep_unmapped)
        if fmt == "csv":
            _write_csv(rows, temp)
        else:
            rows.drop(columns=["latitude", "longitude"], errors="ignore").to_parquet(temp, index=False)
    return len(rows)


def _write_csv(rows: geopandas.GeoDataFrame, temp: Path) -> None:
    table = defuse_frame(rows.drop(columns=[rows.geometry.name]))
    for name in ("latitude", "longitude"):
        table[name] = table[name].round(6)
    table.to_csv(temp, index=False, encoding="utf-8", lineterminator="\n")


def _write_ogr(gdf: geopandas.GeoDataFrame, temp: Path, fmt: str, keep_unmapped: bool) -> int:
    """Write the export rows with GDAL; return their number.

    Plain 2D points (what :func:`geo.to_geodataframe` makes) are streamed to GDAL in Arrow
    batches of :data:`_BATCH_ROWS` rows, so that no filtered copy of the whole frame is made;
    anything else goes through ``pyogrio.write_dataframe``. Both write the same file.
    """
    import pyogrio

    options = dict(_OGR_OPTIONS[fmt])
    try:
        keep = _streamable(gdf, keep_unmapped)
        if keep is not None:
            return _stream_ogr(gdf, keep, temp, fmt, keep_unmapped, options)
        rows = export_frame(gdf, keep_unmapped).drop(columns=["latitude", "longitude"], errors="ignore")
        pyogrio.write_dataframe(rows, temp, layer=_LAYER, use_arrow=True, **options)
        return len(rows)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, ValueError) as exc:
        raise ExportError(f"GDAL could not write {fmt}: {exc}") from None


def _streamable(gdf: geopandas.GeoDataFrame, keep_unmapped: bool):
    """The rows to write (bool array) when they can be streamed: at least one 2D point, no
    other geometry type, no column needing pyogrio's object/time-zone conversions; else None."""
    import numpy as np
    import pandas as pd
    import shapely

    if keep_unmapped:
        keep = np.ones(len(gdf), dtype=bool)
    elif "status" in gdf:
        keep = (gdf["status"] == "mapped").to_numpy()
    else:
        return None
    geometry = gdf.geometry.array.to_numpy()[keep]
    types = shapely.get_type_id(geometry)
    present = types >= 0
    if not present.any() or (types[present] != 0).any() or shapely.has_z(geometry[present]).any():
        return None
    for name, dtype in gdf.dtypes.items():
        if name != gdf.geometry.name and (dtype == object or isinstance(dtype, pd.DatetimeTZDtype)):
            return None
    return keep


def _stream_ogr(gdf: geopandas.GeoDataFrame, keep, temp: Path, fmt: str, keep_unmapped: bool,
                options: dict) -> int:
    """Write the ``keep`` rows of ``gdf`` (plain 2D points) as a stream of Arrow batches."""
    import itertools
    import warnings

    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyogrio
    import shapely
    from geopandas.array import to_wkb

    dropped = {*_DROPPED, "latitude", "longitude", *(() if keep_unmapped else ("status", "status_reason"))}
    columns = [c for c in gdf.columns if c not in dropped]
    geometry_name = gdf.geometry.name
    crs = None
    if gdf.crs is not None:
        epsg = gdf.crs.to_epsg()
        crs = f"EPSG:{epsg}" if epsg else gdf.crs.to_wkt("WKT1_GDAL")
    if fmt == "geojson" and crs == "EPSG:4326":
        # GDAL's RFC 7946 mode copies and "re-projects" every feature to WGS 84 lon/lat. 2D
        # points already in EPSG:4326 and inside -180..180/-90..90 need none of it: the plain
        # writer without an SRS (hence no "crs" member) writes the same bytes, faster.
        points = gdf.geometry.array.to_numpy()[keep]
        points = points[shapely.get_type_id(points) == 0]
        x, y = shapely.get_x(points), shapely.get_y(points)
        if not ((np.abs(x) > 180) | (np.abs(y) > 90) | shapely.is_empty(points)).any():
            options.pop("RFC7946")
            crs = None

    def batches():
        for start in range(0, len(gdf), _BATCH_ROWS):
            rows = keep[start:start + _BATCH_ROWS]
            if not rows.any():
                continue
            part = gdf.iloc[start:start + _BATCH_ROWS][columns]
            frame = pd.DataFrame(part, copy=False)
            frame[geometry_name] = to_wkb(part.geometry.array)
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if table.schema.field(geometry_name).type != pa.binary():   # all null in this batch
                table = table.set_column(table.schema.get_field_index(geometry_name),
                                         pa.field(geometry_name, pa.binary()),
                                         table[geometry_name].cast(pa.binary()))
            yield from (table if rows.all() else table.filter(pa.array(rows))).to_batches()

    stream = batches()
    first = next(stream)
    reader = pa.RecordBatchReader.from_batches(first.schema, itertools.chain([first], stream))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        warnings.filterwarnings("ignore", "No SRS set on layer", RuntimeWarning)
        pyogrio.write_arrow(reader, temp, layer=_LAYER, geometry_name=geometry_name,
                            geometry_type="Point", crs=crs, **options)
    return int(keep.sum())


def write_report(gdf: geopandas.GeoDataFrame, path: str | os.PathLike, *, force: bool = False,
                 inputs: Iterable[str | os.PathLike] = ()) -> int:
    """Write every unmapped row, and every mapped row with a warning, to a CSV report.

    Columns: ``source_file, source_line, event_id_cnty, status, field, reason``.

    Returns
    -------
    int
        The number of rows in the report.
    """
    import pandas as pd

    if Path(path).suffix.lower() != ".csv":
        raise OutputError(f"{path}: the report is a CSV file; give it a .csv name")
    target = check_output(path, force=force, inputs=inputs)
    listed = (gdf["status"] != "mapped") | (gdf["status_reason"] != "")
    report = pd.DataFrame({
        "source_file": gdf["source_file"], "source_line": gdf["source_line"],
        "event_id_cnty": gdf["event_id_cnty"], "status": gdf["status"],
        "field": gdf["status_field"], "reason": gdf["status_reason"]})[listed]
    with atomic_path(target) as temp:
        defuse_frame(report).to_csv(temp, index=False, encoding="utf-8", lineterminator="\n")
    return len(report)


def filter_events(gdf: geopandas.GeoDataFrame, *, date_from: str | None = None,
                  date_to: str | None = None, event_types: Iterable[str] = (),
                  countries: Iterable[str] = ()) -> geopandas.GeoDataFrame:
    """Keep the records whose span meets [date_from, date_to] and whose type and country match.

    Parameters
    ----------
    date_from, date_to : str, optional
        ISO dates (inclusive); a record is kept when its [event_date, end_date] intersects.
    event_types, countries : iterable of str
        Allowed values (case-insensitive); empty means any.

    Returns
    -------
    geopandas.GeoDataFrame
        The kept rows (invalid rows, whose dates are unknown, never pass a date filter).
    """
    from geo.dates import DateParseError, parse_date

    keep = gdf["status"].notna()
    bounds = {}
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value:
            try:
                span = parse_date(value, dayfirst=None)
            except DateParseError as exc:
                raise ExportError(f"--{name.replace('_', '-')}: {exc}") from None
            bounds[name] = span.start.isoformat() if name == "date_from" else span.end.isoformat()
    if bounds:
        keep &= gdf["status"] != "invalid"
    if "date_from" in bounds:
        keep &= gdf["end_date"] >= bounds["date_from"]
    if "date_to" in bounds:
        keep &= gdf["event_date"] <= bounds["date_to"]
    for column, allowed in (("event_type", event_types), ("country", countries)):
        allowed = {a.strip().casefold() for a in allowed}
        if allowed:
            keep &= gdf[column].str.casefold().isin(allowed)
    keep = keep.to_numpy()
    return gdf if keep.all() else gdf[keep]   # no copy when nothing is filtered out
