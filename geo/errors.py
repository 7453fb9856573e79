"""Errors raised by the geo package (records, extraction, join, export)."""

from __future__ import annotations


class GeoError(Exception):
    """Root of every error the geo package raises."""


class InputError(GeoError, ValueError):
    """An input file cannot be read as a whole (missing, empty, wrong format, bad encoding, ...).

    Attributes
    ----------
    file : the input path as given
    line : 1-based line number where known, else None
    field : the column concerned where known, else None
    """

    def __init__(self, message: str, *, file: str, line: int | None = None, field: str | None = None):
        self.file, self.line, self.field = file, line, field
        where = file + (f", line {line}" if line else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")


class OutputError(GeoError, OSError):
    """An output cannot be written (unwritable folder, would overwrite an input, exists without --force)."""
