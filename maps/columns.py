"""Compact column encodings for the page's payload (decoded by ``static/incidentmap.js``).

Every encoding is a small JSON object:

- ``{"k": "int", "min": m, "nulls": b, "w": w, "s": "..."}``: integers as fixed-width base-64
  digits (``w`` characters per row, from :data:`ALPHABET`) of ``value - min`` (plus one when
  ``nulls``, 0 then meaning missing). ``w`` is 0 for a constant column.
- ``{"k": "dict", "values": [...], "codes": <int encoding>}``: repeated values stored once.
- ``{"k": "list", "v": [...]}``: one value per row (e.g. notes, which rarely repeat).
- ``{"k": "ids", "prefixes": [[prefix, width], ...], "prefix": <int>, "number": <int>}``:
  identifiers of the form prefix + number (``IND123456``, ``SEED01``), zero-padded to
  ``width`` digits when width > 0.

The base-64 digits need no escaping in JSON or HTML, and a row costs one character per 6 bits
instead of a decimal number and a comma.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_DIGITS = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
_ID = re.compile(r"^(.*?)(\d{1,15})$", re.DOTALL)
MAX_INT = 2**50


def pack_ints(values: np.ndarray, nulls: np.ndarray | None = None) -> dict[str, Any]:
    """Integers (with an optional missing-value mask) -> the ``int`` encoding."""
    ints = np.asarray(values, dtype=np.int64)
    has_nulls = nulls is not None and bool(nulls.any())
    present = ints[~nulls] if has_nulls else ints
    low = int(present.min()) if len(present) else 0
    offsets = ints - low + (1 if has_nulls else 0)
    if has_nulls:
        offsets[nulls] = 0
    top = int(offsets.max()) if len(offsets) else 0
    width = 0
    while 64**width <= top:
        width += 1
    digits = np.empty((len(offsets), width), dtype=np.uint8)
    rest = offsets.copy()
    for k in range(width - 1, -1, -1):
        digits[:, k] = _DIGITS[rest % 64]
        rest //= 64
    return {"k": "int", "min": low, "nulls": has_nulls, "w": width,
            "s": digits.tobytes().decode("ascii")}


def encode_text(values: pd.Series) -> dict[str, Any]:
    """Strings -> ``dict`` when they repeat (most columns), else ``list``."""
    codes, uniques = pd.factorize(values, sort=True)
    if len(uniques) * 2 > len(values):
        return {"k": "list", "v": [str(v) for v in values]}
    return {"k": "dict", "values": [str(u) for u in uniques], "codes": pack_ints(codes)}


def encode_numbers(values: pd.Series) -> dict[str, Any]:
    """Numbers (missing allowed) -> ``int`` when whole, else ``dict`` or ``list`` of floats."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    missing = ~np.isfinite(numbers)
    present = numbers[~missing]
    if np.all(np.mod(present, 1) == 0) and (len(present) == 0 or np.abs(present).max() < MAX_INT):
        return pack_ints(np.where(missing, 0, numbers).astype(np.int64), missing)
    rounded = [None if math.isnan(v) or math.isinf(v) else round(float(v), 6) for v in numbers.tolist()]
    series = pd.Series(rounded, dtype="object")
    codes, uniques = pd.factorize(series, sort=True, use_na_sentinel=False)
    if len(uniques) * 2 > len(values):
        return {"k": "list", "v": rounded}
    table = [None if u is None or (isinstance(u, float) and math.isnan(u)) else u for u in uniques]
    return {"k": "dict", "values": table, "codes": pack_ints(codes)}


def encode_ids(ids: list[str]) -> dict[str, Any]:
    """Identifiers -> the ``ids`` encoding when every one is prefix + number, else ``list``."""
    keys: dict[tuple[str, int], int] = {}
    prefix_codes, numbers = [], []
    for text in ids:
        match = _ID.match(text)
        if match is None:
            return {"k": "list", "v": list(ids)}
        prefix, digits = match.groups()
        width = len(digits) if digits.startswith("0") and len(digits) > 1 else 0
        if width == 0 and digits != str(int(digits)):
            return {"k": "list", "v": list(ids)}
        prefix_codes.append(keys.setdefault((prefix, width), len(keys)))
        numbers.append(int(digits))
    return {"k": "ids", "prefixes": [list(key) for key in keys],
            "prefix": pack_ints(np.array(prefix_codes, dtype=np.int64)),
            "number": pack_ints(np.array(numbers, dtype=np.int64))}
