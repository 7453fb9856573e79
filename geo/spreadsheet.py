"""Text cells a spreadsheet would run as formulas, defused for CSV files.

A text value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, the same rule the map's CSV download applies. Numbers, also when held as
text ("-73.5"), are left alone.
"""

from __future__ import annotations

import re
from typing import Any

_FORMULA = re.compile(r"^[=+\-@\t\r]")


def defuse(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run."""
    if not isinstance(value, str) or not _FORMULA.match(value):
        return value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + value


def defuse_frame(table):
    """A copy of a pandas DataFrame with its text columns defused."""
    table = table.copy()
    for name in table.columns:
        if table[name].dtype == object or str(table[name].dtype) in ("string", "str"):
            table[name] = table[name].map(defuse)
    return table
