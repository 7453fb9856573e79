"""Errors raised by the maps package."""

from __future__ import annotations


class MapError(Exception):
    """Root of every error the maps package raises."""


class ColumnContractError(MapError, ValueError):
    """The GeoDataFrame lacks a column the map needs, or holds the wrong kind of value in it."""
