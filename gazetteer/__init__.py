"""Offline place-name resolution against a bundled gazetteer (GeoNames, CC BY 4.0, plus curated rows).

Examples
--------
>>> import gazetteer
>>> gazetteer.resolve("Pahalgam").place.name
'Pahalgam'
>>> from gazetteer import Gazetteer, Context
>>> Gazetteer.load().resolve("Nowshera", Context(names=("Poonch", "Rajouri"))).place.admin2
'Rājauri'
"""

from __future__ import annotations

from gazetteer.errors import GazetteerDataError, GazetteerError, OverrideError
from gazetteer.model import Context, Place, Resolution
from gazetteer.normalize import fold
from gazetteer.resolver import Gazetteer

__all__ = ["Context", "Gazetteer", "GazetteerDataError", "GazetteerError", "OverrideError", "Place",
           "Resolution", "fold", "resolve"]


def resolve(name: str, context: Context | None = None) -> Resolution:
    """Resolve one name with the default gazetteer (bundled data, no overrides).

    Parameters
    ----------
    name : str
    context : Context, optional

    Returns
    -------
    Resolution
    """
    return Gazetteer.load().resolve(name, context)
