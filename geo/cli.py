"""The incidentmap command line: a thin layer over the gazetteer, geo and maps libraries.

This is the only module that imports click. Library errors are turned into click errors in
one place (:class:`_Group`); stdout carries data, stderr diagnostics.

Exit codes: 0 success; 1 an error stopped the run (message on stderr); 2 a usage error;
3 ``--strict`` and some rows were not mapped.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from gazetteer.errors import GazetteerError
from geo.errors import GeoError

EXIT_STRICT = 3


class _Group(click.Group):
    """A command group that turns library errors into one-line click errors."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (GazetteerError, GeoError) as exc:
            raise click.ClickException(printable(str(exc))) from None
        except Exception as exc:
            # maps (folium) is imported only by the commands that draw: a MapError can only
            # exist once maps.errors is loaded, and `resolve` must start fast without it
            errors = sys.modules.get("maps.errors")
            if errors is not None and isinstance(exc, errors.MapError):
                raise click.ClickException(printable(str(exc))) from None
            raise


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="incidentmap")
@click.option("-v", "--verbose", count=True, help="More diagnostics on stderr (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def main(verbose: int, quiet: bool) -> None:
    """Turn incident reports into maps: resolve place names offline, join them with event
    records, render a layered, time-filtered Leaflet map, export GIS formats.

    \b
    Examples:
      incidentmap map seeds/seed_events.csv -o maps/seed.html --open
      incidentmap export seeds/seed_events.csv -o seed.geojson
      incidentmap resolve Poonch Rajouri Nowshera
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")


def printable(text: str) -> str:
    """Text from input files made safe for a terminal: control, format and line-separator
    characters (escape sequences, bidi overrides, line breaks) shown as ``\\x..`` escapes."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def echo_err(message: str) -> None:
    """Write a diagnostic line to stderr (through :func:`printable`)."""
    click.echo(printable(message), err=True)


# -- records: map and export (records engineer) -----------------------------------------------

def _record_options(command):
    """Options shared by ``map`` and ``export``: how to read, resolve, account."""
    from geo.readers import FORMATS

    options = [
        click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path)),
        click.option("--format", "input_format", type=click.Choice([f for f in FORMATS]),
                     help="Input format for every INPUT (default: from the extension)."),
        click.option("--encoding", help="Text encoding of CSV/JSON inputs (default UTF-8, BOM allowed)."),
        click.option("--columns", metavar="COL=HEADER,...",
                     help="Map input headers to record columns, e.g. date=when,location=site."),
        click.option("--dayfirst/--monthfirst", default=None,
                     help="Order of all-numeric dates like 05/06/2025 (ambiguous ones are invalid without it)."),
        click.option("--gazetteer", "overrides", multiple=True, type=click.Path(path_type=Path),
                     help="User gazetteer override file (repeatable)."),
        click.option("--report", type=click.Path(path_type=Path),
                     help="Write every unmapped row (file, line, field, reason) to this CSV."),
        click.option("--strict", is_flag=True, help=f"Exit {EXIT_STRICT} when any row is not mapped."),
        click.option("--force", is_flag=True, help="Replace existing output files."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _progress(label: str):
    """A progress callback drawing on stderr, or None when stderr is not a terminal."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{label}: {done:,}/{total:,}", err=True, nl=done >= total)
    return show


def _stage(message: str) -> None:
    """Say what a long run is doing, on a terminal only."""
    import sys

    if sys.stderr.isatty():
        echo_err(message)


def _check_outputs(output: Path, report: Path | None, force: bool, inputs) -> None:
    """Refuse bad output paths before any work is done."""
    from geo.atomic import check_output

    check_output(output, force=force, inputs=inputs)
    if report:
        check_output(report, force=force, inputs=[*inputs, output])


def _gazetteer_for(overrides, online: bool):
    """The gazetteer with the user's override files (and the opt-in online fallback)."""
    from gazetteer import Gazetteer

    resolver = None
    if online:
        import os

        from gazetteer.online import OnlineResolver

        # INCIDENTMAP_NOMINATIM points at another Nominatim server, e.g. http://127.0.0.1:8080
        url = os.environ.get("INCIDENTMAP_NOMINATIM", "https://nominatim.openstreetmap.org")
        scheme, _, domain = url.partition("://")
        resolver = OnlineResolver(domain=domain.rstrip("/"), scheme=scheme)
    return Gazetteer.load(overrides=list(overrides), online=resolver)


def _load_records(inputs, input_format, encoding, columns, dayfirst, overrides):
    """Read the inputs and join them with the gazetteer -> the contract GeoDataFrame."""
    import geo

    gz = _gazetteer_for(overrides, online=False)
    _stage(f"reading {len(inputs)} input(s)...")
    events = geo.read_events(inputs, format=input_format, encoding=encoding, columns=columns,
                             dayfirst=dayfirst, gazetteer=gz)
    return geo.to_geodataframe(events, gz, progress=_progress("resolving place names"))


def _account(gdf, report, strict: bool, force: bool, inputs) -> None:
    """Print the summary line and the first problems; write --report; exit 3 under --strict."""
    import geo

    counts = gdf["status"].value_counts()
    mapped, unresolved, invalid = (int(counts.get(k, 0)) for k in ("mapped", "unresolved", "invalid"))
    echo_err(f"{len(gdf)} records read: {mapped} mapped, {unresolved} unresolved, {invalid} invalid")
    warned = gdf.attrs.get("warnings", 0)
    if warned:
        echo_err(f"warning: {warned} records have coordinates far from their named place")
    problems = gdf[(gdf["status"] != "mapped") | (gdf["status_reason"] != "")]
    for row in problems.head(5).itertuples():
        echo_err(f"  {row.source_file}:{row.source_line}: {row.status}: {row.status_reason}")
    if len(problems) > 5:
        echo_err(f"  ... {len(problems) - 5} more" + ("" if report else " (list them with --report FILE.csv)"))
    if report:
        listed = geo.write_report(gdf, report, force=force, inputs=inputs)
        echo_err(f"report: {listed} rows -> {report}")
    if strict and unresolved + invalid:
        raise click.exceptions.Exit(EXIT_STRICT)


@main.command("map")
@_record_options
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="HTML file to write (default: maps/<first input name>.html).")
@click.option("--open", "open_page", is_flag=True, help="Open the map in the default browser.")
@click.option("--title", help="Map title (default: the first input's name).")
@click.option("--layer-by", default="event_type", show_default=True, help="Column giving the layers.")
@click.option("--size-by", help="Numeric column scaling the markers (e.g. fatalities).")
@click.option("--cluster/--no-cluster", default=None,
              help="Cluster nearby markers (default: on from 50,000 records).")
@click.option("--heatmap", is_flag=True, help="Add a heat-map layer.")
@click.option("--boundaries", is_flag=True,
              help="Add country boundaries (Natural Earth, loaded from its CDN with the page).")
def map_command(inputs, input_format, encoding, columns, dayfirst, overrides, report, strict, force,
                output, open_page, title, layer_by, size_by, cluster, heatmap, boundaries):
    """Map event records: read INPUT files or folders, resolve their places offline, and write
    ONE self-contained HTML map (a layer per event type, a time filter, popups).

    The summary line (records read, mapped, unresolved, invalid) goes to stderr, the path of
    the written map to stdout. Without -o the map goes to maps/<first input name>.html.

    \b
    Examples:
      incidentmap map seeds/seed_events.csv -o maps/seed.html --open
      incidentmap map newsroom.xlsx --dayfirst --columns location=site --report unmapped.csv
      incidentmap map acled/ --cluster --title "ACLED South Asia" --strict
    """
    import webbrowser

    import maps
    from geo.atomic import write_text

    output = output or Path("maps") / f"{inputs[0].stem or 'map'}.html"
    _check_outputs(output, report, force, inputs)
    gdf = _load_records(inputs, input_format, encoding, columns, dayfirst, overrides)
    doc = maps.render(gdf, title=title or inputs[0].stem, layer_by=layer_by, size_by=size_by,
                      cluster=cluster, heatmap=heatmap, boundaries=boundaries)
    _stage(f"writing {output}...")
    write_text(output, doc.html)
    for notice in doc.notices:
        echo_err(notice)
    click.echo(str(output))
    if open_page and not webbrowser.open(output.resolve().as_uri()):
        echo_err(f"no browser available; open {output} yourself")
    _account(gdf, report, strict, force, inputs)


@main.command("export")
@_record_options
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File to write: .geojson, .csv, .gpkg, .parquet or .kml.")
@click.option("--keep-unmapped", is_flag=True,
              help="Also write unmapped rows, with a null geometry (empty lat/lon in CSV).")
@click.option("--date-from", metavar="DATE", help="Keep records whose span reaches this date or later.")
@click.option("--date-to", metavar="DATE", help="Keep records whose span starts on this date or earlier.")
@click.option("--event-type", "event_types", multiple=True, help="Keep this event type (repeatable).")
@click.option("--country", "countries", multiple=True, help="Keep this country (repeatable).")
@click.option("--dedupe", is_flag=True, help="Merge reports of one incident (same type, near in time and place).")
@click.option("--dedupe-days", default=1, show_default=True, type=click.IntRange(min=0),
              help="Largest gap between start dates of merged reports.")
@click.option("--dedupe-km", default=5.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Largest distance between merged reports.")
def export_command(inputs, input_format, encoding, columns, dayfirst, overrides, report, strict,
                   force, output, keep_unmapped, date_from, date_to, event_types, countries,
                   dedupe, dedupe_days, dedupe_km):
    """Export event records to GIS formats: read INPUT files or folders, resolve their places
    offline, and write OUTPUT by its extension: GeoJSON (RFC 7946), CSV with latitude and
    longitude, GeoPackage, GeoParquet or KML.

    Mapped records are written; unmapped ones go to --report (or, with --keep-unmapped, into
    the file with a null geometry). The summary goes to stderr, the output path to stdout.

    \b
    Examples:
      incidentmap export seeds/seed_events.csv -o seed.geojson
      incidentmap export acled.csv -o battles.gpkg --event-type Battles --date-from 2025-05-01
      incidentmap export reports/ -o merged.csv --dedupe --dedupe-km 3 --report unmapped.csv
    """
    import geo
    from geo.export import output_format

    _check_outputs(output, report, force, inputs)
    output_format(output)
    gdf = _load_records(inputs, input_format, encoding, columns, dayfirst, overrides)
    selected = geo.filter_events(gdf, date_from=date_from, date_to=date_to,
                                 event_types=event_types, countries=countries)
    if len(selected) != len(gdf):
        echo_err(f"filters kept {len(selected)} of {len(gdf)} records")
    if dedupe:
        selected, merged = geo.dedupe(selected, days=dedupe_days, km=dedupe_km)
        echo_err(f"dedupe: {merged} records merged into others")
    _stage(f"writing {output}...")
    written = geo.write(selected, output, keep_unmapped=keep_unmapped, force=force, inputs=inputs)
    echo_err(f"wrote {written} records to {output}")
    click.echo(str(output))
    _account(gdf, report, strict, force, inputs)


# ----------------------------------------------------------------------------- gazetteer commands

def _parse_near(value: str | None):
    if value is None:
        return None
    try:
        lat, lon = (float(v) for v in value.split(","))
    except ValueError:
        raise click.BadParameter(f"expected LAT,LON in decimal degrees, got {value!r}", param_hint="--near")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter(f"{value!r} is outside -90..90, -180..180", param_hint="--near")
    return lat, lon


def _human_line(res) -> str:
    p = res.place
    if p is None:
        return f"{res.query}\tunresolved\t{res.reason}"
    where = ", ".join(dict.fromkeys(v for v in (p.admin2, p.admin1, p.country) if v and v != p.name))
    return (f"{res.query}\t{p.lat:.5f},{p.lon:.5f}\t{p.name} ({p.kind}{', ' + where if where else ''})"
            f"\tconfidence {res.confidence:.2f}\t{res.reason}")


def _jsonl_results(gz, lines: list[str]):
    """One output dict per input line: lines sharing a document are resolved together."""
    import json

    from gazetteer import Context

    out: list = [None] * len(lines)
    documents: dict[tuple, list] = {}
    for i, line in enumerate(lines):
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("name"), str) or not obj["name"].strip():
                raise ValueError('expected a JSON object with a non-empty string "name"')
        except ValueError as exc:
            echo_err(f"stdin, line {i + 1}: {exc}")
            out[i] = {"id": None, "query": None, "lat": None, "lon": None, "error": f"line {i + 1}: {exc}"}
            continue
        text, country = obj.get("text"), obj.get("country") or None
        start, end = obj.get("start"), obj.get("end")
        if isinstance(text, str) and text:
            if not (isinstance(start, int) and isinstance(end, int) and text[start:end] == obj["name"]):
                start = text.find(obj["name"])
                end = start + len(obj["name"])
            if start >= 0:
                documents.setdefault((text, country), []).append((i, obj, start, end))
                continue
        out[i] = (obj, gz.resolve(obj["name"], Context(country=country) if country else None))
    for (text, country), items in documents.items():
        results = gz.resolve_document(text, [(s, e) for _, _, s, e in items],
                                      Context(country=country) if country else None)
        for (i, obj, _, _), res in zip(items, results):
            out[i] = (obj, res)
    for i, item in enumerate(out):
        if isinstance(item, tuple):
            obj, res = item
            out[i] = {"id": obj.get("id"), **res.to_dict()}
    return out


@main.command("resolve")
@click.argument("names", nargs=-1)
@click.option("--country", help="ISO-2 code or country name the places are probably in.")
@click.option("--near", metavar="LAT,LON", help="A point the places are probably near.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per name (to_dict fields).")
@click.option("--jsonl", is_flag=True,
              help='Read JSON Lines on stdin ({"id","name","text","start","end","country"}; only name '
                   "required); write one JSON object per input line, in order.")
@click.option("--gazetteer", "overrides", multiple=True, type=click.Path(dir_okay=False),
              help="User override file (CSV/TSV; repeatable).")
@click.option("--online", is_flag=True,
              help="Ask Nominatim (1 request/s, cached) for names the bundled data cannot resolve.")
def resolve_command(names, country, near, as_json, jsonl, overrides, online):
    """Resolve place names against the bundled gazetteer, offline.

    Prints one line per name on stdout: the name, lat,lon, the place chosen, a confidence
    and the reason; "unresolved" when the gazetteer does not know the name. Names given
    together are context for each other ("Nowshera" beside "Poonch" is the Rajouri town).

    \b
    Examples:
      incidentmap resolve Pahalgam
      incidentmap resolve Poonch Rajouri Nowshera
      incidentmap resolve Nowshera --country PK --json
      incidentmap resolve Kupwara --near 34.5,74.2
      echo '{"id": 1, "name": "Nowshera", "text": "Shelling in Nowshera and Poonch."}' | incidentmap resolve --jsonl
    """
    import json

    from gazetteer import Context

    gz = _gazetteer_for(overrides, online)
    if jsonl:
        if names:
            raise click.UsageError("--jsonl reads names from stdin; do not pass NAMES too")
        lines = [ln for ln in sys.stdin.read().splitlines() if ln.strip()]
        for obj in _jsonl_results(gz, lines):
            click.echo(json.dumps(obj, ensure_ascii=False))
        return
    if not names:
        raise click.UsageError("give at least one NAME (or --jsonl)")
    point = _parse_near(near)
    results = []
    for name in names:
        others = tuple(n for n in names if n != name)
        ctx = Context(country=country, near=point, names=others)
        results.append(gz.resolve(name, ctx))
    for res in results:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False) if as_json else _human_line(res))


@main.group("gazetteer")
def gazetteer_group() -> None:
    """Inspect the bundled gazetteer: its sources and licences, and candidate places for a name.

    \b
    Examples:
      incidentmap gazetteer info
      incidentmap gazetteer search Nowshera
    """


@gazetteer_group.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print the information as one JSON object.")
def gazetteer_info(as_json):
    """Show the gazetteer's sources, versions, licences and counts.

    \b
    Examples:
      incidentmap gazetteer info
      incidentmap gazetteer info --json
    """
    import json

    from gazetteer import Gazetteer

    store = Gazetteer.load().store
    info = {"data": str(store.path), "size_mb": round(store.path.stat().st_size / 1e6, 1),
            "sources": store.meta("sources"), "counts": store.meta("counts"),
            "attribution": "Contains GeoNames data (https://www.geonames.org/), CC BY 4.0; "
                           "country points from Natural Earth (public domain) via world-atlas."}
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    click.echo(f"data: {info['data']} ({info['size_mb']} MB)")
    click.echo(info["attribution"])
    click.echo("sources:")
    for s in info["sources"]:
        click.echo(f"  {s['name']} {s['version']} ({s['registry']}): {s['licence']}; {s['used_for']}")
    click.echo("counts: " + ", ".join(f"{k} {v:,}" for k, v in info["counts"].items() if isinstance(v, int)))


@gazetteer_group.command("search")
@click.argument("text")
@click.option("--country", help="ISO-2 code or country name to favour.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1), help="Candidates shown.")
@click.option("--gazetteer", "overrides", multiple=True, type=click.Path(dir_okay=False),
              help="User override file (CSV/TSV; repeatable).")
def gazetteer_search(text, country, limit, overrides):
    """List the candidate places for a name, best first, with their scores.

    \b
    Examples:
      incidentmap gazetteer search Nowshera
      incidentmap gazetteer search Poonch --country PK
    """
    from gazetteer import Context

    gz = _gazetteer_for(overrides, online=False)
    found = gz.search(text, Context(country=country) if country else None, limit=limit)
    if not found:
        echo_err(f"no candidates for {text!r}")
        return
    for place, score in found[:limit]:
        where = ", ".join(v for v in (place.admin2, place.admin1, place.country) if v)
        ident = f"geonames:{place.geonameid}" if place.geonameid else place.source
        click.echo(f"{score:.3f}\t{place.lat:.5f},{place.lon:.5f}\t{place.name}\t{place.kind}\t{where}\t{ident}")


# -- extraction: extract (extraction engineer) --------------------------------------------------

@main.command("extract")
@click.argument("articles", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file: .csv, .jsonl or .geojson (default: CSV on stdout; JSON Lines with --mentions).")
@click.option("--mentions", is_flag=True, help="Write every place mention found (JSON Lines) instead of records.")
@click.option("--date", "pub_date", metavar="YYYY-MM-DD",
              help="Publication date, overriding the articles' metadata line or dateline.")
@click.option("--gazetteer", "overrides", multiple=True, type=click.Path(path_type=Path),
              help="User gazetteer override file (repeatable).")
@click.option("--report", type=click.Path(path_type=Path),
              help="Write the sentences with an incident cue that gave no record (file, line, reason) to this CSV.")
@click.option("--strict", is_flag=True, help=f"Exit {EXIT_STRICT} when an incident sentence gave no record.")
@click.option("--force", is_flag=True, help="Replace existing output files.")
def extract_command(articles, output, mentions, pub_date, overrides, report, strict, force):
    """Extract event records from news articles: place mentions (resolved together against the
    offline gazetteer), dates relative to the publication date, and incident cues per sentence,
    one record per place an incident is reported at. ARTICLES are .txt, .md or .html files,
    folders of them, or - for stdin. The output has the record columns (event_date, end_date,
    time_precision, event_type, ..., latitude, longitude) plus provenance (article, sentence
    offsets, the sentence, extract_confidence, extract_flags), so it feeds `map` and `export`.

    \b
    Examples:
      incidentmap extract seeds/2025-05-05-india-japan-defence-talks.txt -o events.csv
      incidentmap extract news/ -o events.geojson --date 2025-05-08
      incidentmap extract --mentions article.html -o mentions.jsonl
      cat article.txt | incidentmap extract - --date 2025-05-05
    """
    from geo.atomic import check_output, write_text
    from geo.errors import OutputError
    from geo.extract import OUTPUT_COLUMNS, extract, mention_dict
    from geo.extract_write import output_format, render_mentions, render_records

    inputs = [a for a in articles if a != "-"]
    fmt = "jsonl" if mentions else "csv"
    if output is not None:
        fmt = output_format(output)
        if mentions and fmt != "jsonl":
            raise OutputError(f"{output}: --mentions writes JSON Lines; name the output .jsonl")
        check_output(output, force=force, inputs=inputs)
    if report:
        check_output(report, force=force, inputs=[*inputs, *([output] if output else [])])
    gz = _gazetteer_for(overrides, online=False)
    results = extract(articles, gazetteer=gz, date=pub_date)
    for r in results:
        if r.article.pub_date is None:
            echo_err(f"warning: {r.article.file}: no publication date found; give one with --date")
    if mentions:
        text = render_mentions([mention_dict(r.article, m) for r in results for m in r.mentions])
    else:
        text = render_records([rec for r in results for rec in r.records], OUTPUT_COLUMNS, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text(output, text)
    n_records = sum(len(r.records) for r in results)
    n_mentions = sum(len(r.mentions) for r in results)
    unresolved = sum(1 for r in results for m in r.mentions if m.place is None)
    skipped = [(r.article.file, line, start, reason) for r in results for line, start, reason in r.skipped]
    echo_err(f"{len(results)} articles: {n_records} records, {n_mentions} place mentions "
             f"({unresolved} unresolved), {len(skipped)} incident sentences without a place")
    if report:
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["file", "line", "sentence_start", "reason"])
        writer.writerows(skipped)
        write_text(report, buf.getvalue())
        echo_err(f"report: {len(skipped)} rows -> {report}")
    if strict and skipped:
        raise click.exceptions.Exit(EXIT_STRICT)
