"""The project's own map element: data, canvas layer, layer panel, time filter, downloads.

One :class:`IncidentLayer` per map. Its script and style (``maps/static``) are inlined into the
page; the third-party code it needs is declared as CDN links the folium way
(``default_js``/``default_css``), with versions pinned in ``tests/assets/package.json``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin

from maps.payload import to_json

LEAFLET_JS = ("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js")
LEAFLET_CSS = ("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css")
HEAT_JS = ("leaflet_heat", "https://cdn.jsdelivr.net/npm/leaflet.heat@0.2.0/dist/leaflet-heat.js")
TOPOJSON_JS = ("topojson_client",
               "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js")
#: Country boundaries: Natural Earth 4.1.0 admin 0 at 1:50m, as TopoJSON from npm world-atlas.
BOUNDARIES_URL = "https://cdn.jsdelivr.net/npm/world-atlas@2.0.2/countries-50m.json"
BOUNDARIES_CREDIT = (
    'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a> 4.1.0 '
    '(public domain) via world-atlas 2.0.2, in Natural Earth\'s de facto worldview '
    "(lines of actual control, not any country's claim)"
)


@cache
def static_text(name: str) -> str:
    """The text of a file in ``maps/static``."""
    return resources.files("maps").joinpath("static", name).read_text(encoding="utf-8")


class RawText(Element):
    """Text placed into the page exactly as given.

    branca turns the output of a MacroElement's macros into a new template and renders it
    again, so ``{{ 7*7 }}`` in the data would become ``49`` (and worse); this element is
    never parsed as a template.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


class IncidentLayer(JSCSSMixin, MacroElement):
    """Every record of the map on one canvas, with its controls.

    Parameters
    ----------
    data : dict
        The columnar payload from :func:`maps.payload.build_payload`.
    options : dict
        Page options: ``title``, ``cluster``, ``heatmap``, ``attribution`` and ``boundaries``
        (None, or the ``url`` and ``attribution`` of a TopoJSON of country boundaries).
    """

    def __init__(self, data: dict[str, Any], options: dict[str, Any]) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.data_json = to_json(data)
        self.options_json = to_json(options)
        self.default_js = ([LEAFLET_JS] + ([HEAT_JS] if options.get("heatmap") else [])
                           + ([TOPOJSON_JS] if options.get("boundaries") else []))
        self.default_css = [LEAFLET_CSS]

    def render(self, **kwargs: Any) -> None:
        """Add the CDN links, the inlined style, the data blocks and the boot script."""
        super().render(**kwargs)
        figure = self.get_root()
        name = self.get_name()
        figure.header.add_child(RawText(f"<style>{static_text('incidentmap.css')}</style>"),
                                name=f"{name}_css")
        figure.html.add_child(RawText(
            f'<script type="application/json" id="{name}_data">{self.data_json}</script>\n'
            f'<script type="application/json" id="{name}_options">{self.options_json}</script>'),
            name=f"{name}_data")
        figure.script.add_child(RawText(
            f"{static_text('incidentmap.js')}\n"
            f'incidentmapBoot({self._parent.get_name()}, "{name}");'), name=f"{name}_js")
