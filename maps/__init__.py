"""GeoDataFrame -> one self-contained Leaflet HTML page with layers and a time filter.

>>> import maps
>>> doc = maps.render(gdf, title="Line of Control, May 2025")   # doctest: +SKIP
>>> doc.html, doc.notices, doc.counts                          # doctest: +SKIP
"""

from maps.errors import ColumnContractError, MapError
from maps.page import CLUSTER_THRESHOLD, MapDocument, render

__all__ = ["CLUSTER_THRESHOLD", "ColumnContractError", "MapDocument", "MapError", "render"]
