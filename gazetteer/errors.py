"""Errors raised by the gazetteer package."""

from __future__ import annotations


class GazetteerError(Exception):
    """Root of every error the gazetteer raises."""


class GazetteerDataError(GazetteerError, OSError):
    """The bundled data is missing or unreadable."""


class OverrideError(GazetteerError, ValueError):
    """A user override file is malformed.

    Attributes
    ----------
    file, line, field : where the problem is (line is 1-based; None when not tied to a line)
    """

    def __init__(self, message: str, *, file: str, line: int | None = None, field: str | None = None):
        self.file, self.line, self.field = file, line, field
        where = file + (f", line {line}" if line else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {message}")
