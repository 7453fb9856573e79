"""The incidentmap command line: a thin layer over the gazetteer, geo and maps libraries.

This is the only module that imports click. Library errors are turned into click errors in
one place (:class:`_Group`); stdout carries data, stderr diagnostics.

Exit codes: 0 success; 1 an error stopped the run (message on stderr); 2 a usage error;
3 ``--strict`` and some rows were not mapped.
"""

from __future__ import annotations

import logging

import click

from gazetteer.errors import GazetteerError
from geo.errors import GeoError

EXIT_STRICT = 3


class _Group(click.Group):
    """A command group that turns library errors into one-line click errors."""

    def invoke(self, ctx: click.Context):
        from maps.errors import MapError

        try:
            return super().invoke(ctx)
        except (GazetteerError, GeoError, MapError) as exc:
            raise click.ClickException(str(exc)) from None


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


def echo_err(message: str) -> None:
    """Write a diagnostic line to stderr."""
    click.echo(message, err=True)
