"""``maps.render``: records -> one self-contained HTML page (a :class:`MapDocument`)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd

from maps.element import BOUNDARIES_CREDIT, BOUNDARIES_URL, LEAFLET_CSS, LEAFLET_JS, IncidentLayer
from maps.payload import PALETTE, build_payload

#: From this many drawable records on, clusters are on unless the caller says otherwise.
CLUSTER_THRESHOLD = 50_000

GEONAMES_CREDIT = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> '
    '(<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>)'
)
OSM_CREDIT = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
BASEMAPS = (
    ("Streets (OpenStreetMap)", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", OSM_CREDIT, 19),
    (
        "Terrain (OpenTopoMap)",
        "https://tile.opentopomap.org/{z}/{x}/{y}.png",
        f"Map data: {OSM_CREDIT}, SRTM | Style: &copy; "
        '<a href="https://opentopomap.org">OpenTopoMap</a> '
        '(<a href="https://creativecommons.org/licenses/by-sa/3.0/">CC BY-SA</a>)',
        17,
    ),
    (
        "Satellite (Esri World Imagery)",
        "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community",
        18,
    ),
)


@dataclass
class MapDocument:
    """A rendered map.

    Attributes
    ----------
    html : str
        One self-contained HTML page (third-party scripts from their CDNs, the project's own
        script, style and data inlined).
    notices : list of str
        Things to tell the user (defaults switched on, records not drawn and why).
    counts : dict
        Layer name -> number of records drawn in that layer.
    """

    html: str
    notices: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class _Map(folium.Map):
    """folium's map shell with only the assets the page uses (Leaflet itself)."""

    default_js = [LEAFLET_JS]
    default_css = [LEAFLET_CSS]


def render(
    gdf: gpd.GeoDataFrame,
    title: str = "Incident map",
    layer_by: str = "event_type",
    size_by: str | None = None,
    cluster: bool | None = None,
    heatmap: bool = False,
    boundaries: bool = False,
) -> MapDocument:
    """Render records as a layered, time-filtered Leaflet map in one HTML page.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Records following the column contract; needs ``geometry`` and ``event_date``
        (``end_date``, the ``layer_by`` column and the text fields are used when present).
        Rows without geometry are not drawn.
    title : str
        Shown on the page and as the document title (escaped).
    layer_by : str
        Column whose values become the map's layers (one overlay per value).
    size_by : str or None
        Numeric column scaling the markers (e.g. ``"fatalities"``); None for equal sizes.
    cluster : bool or None
        Cluster markers. None: on from :data:`CLUSTER_THRESHOLD` records, with a notice.
    heatmap : bool
        Add a heat layer that follows the time window.
    boundaries : bool
        Add country boundaries (Natural Earth via npm world-atlas, loaded from its CDN when the
        page opens; the page works without them when offline).

    Returns
    -------
    MapDocument

    Raises
    ------
    maps.errors.ColumnContractError
        If a needed column is missing or of the wrong kind.

    Examples
    --------
    >>> doc = maps.render(gdf, title="Line of Control, May 2025")   # doctest: +SKIP
    >>> doc.counts                                                 # doctest: +SKIP
    {'Battles': 9, 'Strategic developments': 3, 'Violence against civilians': 1}
    """
    payload = build_payload(gdf, layer_by, size_by)
    notices = []
    n = payload.data["n"]
    if cluster is None:
        cluster = n >= CLUSTER_THRESHOLD
        if cluster:
            notices.append(f"{n:,} records: clusters on by default (switch them off on the page "
                           "or render with cluster=False)")
    unmapped = int((gdf.geometry.isna() | gdf.geometry.is_empty).sum())
    if unmapped:
        notices.append(f"{unmapped:,} record(s) without a location are not on the map")
    notices.extend(f"not drawn: {line}" for line in payload.skipped)
    if len(payload.counts) > len(PALETTE):
        notices.append(f"{len(payload.counts)} layers: colours past the eighth are not colour-blind safe")

    fmap = _Map(location=None, zoom_start=2, tiles=None, control_scale=True)
    for i, (name, url, credit, max_zoom) in enumerate(BASEMAPS):
        folium.TileLayer(url, name=name, attr=credit, max_zoom=max_zoom, show=i == 0).add_to(fmap)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    options = {"title": title, "cluster": cluster, "heatmap": heatmap,
               "attribution": GEONAMES_CREDIT,
               "boundaries": {"url": BOUNDARIES_URL, "attribution": BOUNDARIES_CREDIT} if boundaries else None}
    fmap.add_child(IncidentLayer(payload.data, options))
    figure = fmap.get_root()
    figure.title = html.escape(title)
    _number_ids(figure)
    return MapDocument(html=figure.render(), notices=notices, counts=payload.counts)


def _number_ids(root: Any) -> None:
    """Replace folium's random element ids by their order in the tree (same input, same page)."""
    counter = 0
    stack = [root]
    while stack:
        element = stack.pop(0)
        element._id = f"{counter:03d}"
        counter += 1
        stack.extend(element._children.values())
