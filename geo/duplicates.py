"""Merge reports of one incident: same event type, start dates within a day, places within a few km.

Candidate pairs come from a grid (event type x day bucket x 3-D cell on the sphere), so only
near neighbours are compared; clusters are the connected components of the matching pairs.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas

EARTH_KM = 6371.0088


def dedupe(gdf: geopandas.GeoDataFrame, *, days: int = 1, km: float = 5.0
           ) -> tuple[geopandas.GeoDataFrame, int]:
    """Merge mapped records that report one incident.

    Two mapped records match when their ``event_type`` is equal (case-insensitive), their
    ``event_date`` values are at most ``days`` apart and their points at most ``km`` apart;
    a cluster is every record linked by matches. The first record of a cluster (input order)
    stays, with the span widened to cover the cluster, the largest ``fatalities``, every
    distinct ``source`` joined by ``"; "`` and ``merged_ids`` listing all its event ids.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The column contract (from :func:`geo.to_geodataframe`).
    days : int
        Largest difference of start dates, in days.
    km : float
        Largest distance between points, in km.

    Returns
    -------
    (geopandas.GeoDataFrame, int)
        The frame with merged rows removed (``merged_ids`` added, "" for unmerged rows) and
        the number of records merged away.
    """
    import numpy as np
    import pandas as pd

    if days < 0 or km <= 0:
        raise ValueError("dedupe needs days >= 0 and km > 0")
    out = gdf.copy()
    out["merged_ids"] = pd.Series([""] * len(out), dtype="str", index=out.index)
    mapped = np.flatnonzero((out["status"] == "mapped").to_numpy())
    if len(mapped) < 2:
        return out, 0
    lat = np.radians(out["latitude"].to_numpy(dtype="float64")[mapped])
    lon = np.radians(out["longitude"].to_numpy(dtype="float64")[mapped])
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    xyz *= EARTH_KM
    cells = np.floor(xyz / km).astype(np.int64)
    day = pd.to_datetime(out["event_date"].iloc[mapped], format="%Y-%m-%d", errors="coerce")
    ordinal = np.asarray([d.toordinal() if not pd.isna(d) else 0 for d in day], dtype=np.int64)
    dbucket = ordinal // (days + 1)
    kind = pd.factorize(out["event_type"].iloc[mapped].str.casefold())[0]

    buckets: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(kind, dbucket, cells[:, 0], cells[:, 1], cells[:, 2])):
        buckets.setdefault(key, []).append(i)
    parent = list(range(len(mapped)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # chord length <= great-circle distance, so compare the chord with the chord of km
    limit = 2 * EARTH_KM * np.sin(km / (2 * EARTH_KM))
    offsets = list(product((-1, 0, 1), repeat=4))
    for (k, d, cx, cy, cz), members in buckets.items():
        for dd, ox, oy, oz in offsets:
            other = buckets.get((k, d + dd, cx + ox, cy + oy, cz + oz))
            if not other:
                continue
            for i in members:
                for j in other:
                    if j <= i or abs(ordinal[i] - ordinal[j]) > days:
                        continue
                    if np.linalg.norm(xyz[i] - xyz[j]) <= limit:
                        ri, rj = find(i), find(j)
                        if ri != rj:
                            parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([find(i) for i in range(len(mapped))])
    merged_away = np.flatnonzero(roots != np.arange(len(mapped)))
    if not len(merged_away):
        return out, 0
    for root in np.unique(roots[merged_away]):
        members = mapped[np.flatnonzero(roots == root)]
        keep = out.index[mapped[root]]
        rows = out.iloc[members]
        out.loc[keep, "event_date"] = rows["event_date"].min()
        out.loc[keep, "end_date"] = rows["end_date"].max()
        if rows["fatalities"].notna().any():
            out.loc[keep, "fatalities"] = rows["fatalities"].max()
        sources = [s for s in dict.fromkeys(rows["source"]) if s]
        out.loc[keep, "source"] = "; ".join(sources)
        out.loc[keep, "merged_ids"] = ";".join(rows["event_id_cnty"])
    return out.drop(index=out.index[mapped[merged_away]]), int(len(merged_away))
