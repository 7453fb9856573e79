"""Benchmark ``incidentmap export`` on ACLED-shaped CSVs against the plain-geopandas floor.

For each size the generator writes an ACLED-shaped CSV (place names drawn from the bundled
gazetteer with their country/admin1/admin2, a share with coordinates, a share unresolvable);
then, as whole processes, it times ``incidentmap export big.csv -o big.<fmt>`` and the floor
(pandas.read_csv + geopandas.points_from_xy + to_file of the same rows, no validation, no
resolution), with each process's peak memory (``os.wait4`` rusage), and prints the ratios.

    python bench/bench_export.py --rows 10000 100000 1000000 --formats gpkg geojson
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

EVENT_TYPES = {
    "Battles": ["Armed clash", "Government regains territory"],
    "Explosions/Remote violence": ["Shelling/artillery/missile attack", "Air/drone strike",
                                   "Remote explosive/landmine/IED"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Protests": ["Peaceful protest", "Protest with intervention"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Strategic developments": ["Agreement", "Arrests", "Other"],
}
ACTORS = ["Military Forces of India", "Military Forces of Pakistan", "Police Forces of India",
          "Unidentified Armed Group", "Protesters", "Rioters", "Civilians", ""]

FLOOR = """
import sys, pandas as pd, geopandas as gpd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
lon = pd.to_numeric(df["longitude"], errors="coerce")
lat = pd.to_numeric(df["latitude"], errors="coerce")
gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs=4326)
gdf.to_file(sys.argv[2], engine="pyogrio")
"""


def _places(distinct: int, seed: int):
    """Resolved gazetteer places (name, country, admin1, admin2, lat, lon), sampled by weight."""
    import numpy as np

    from gazetteer import Gazetteer

    gz = Gazetteer.load()
    names, weights = zip(*gz.names())
    rng = np.random.default_rng(seed)
    p = np.asarray(weights, dtype="float64")
    picked = rng.choice(len(names), size=distinct * 2, replace=False, p=p / p.sum())
    places, seen = [], set()
    for res in gz.resolve_many([(names[i], None) for i in picked]):
        place = res.place
        if res.resolved and place.kind not in ("country", "continent") and place.geonameid not in seen:
            seen.add(place.geonameid)
            places.append((place.name, place.country, place.admin1, place.admin2, place.lat, place.lon))
        if len(places) == distinct:
            break
    codes = sorted({p[1] for p in places})
    country = {}
    for code, res in zip(codes, gz.resolve_many([(c, None) for c in codes])):
        country[code] = res.place.name if res.resolved and res.place.kind == "country" else code
    return [(n, country[c], a1, a2, lat, lon) for n, c, a1, a2, lat, lon in places]


def generate(path: Path, rows: int, *, seed: int = 0, distinct: int = 20000,
             with_coordinates: float = 0.3, unresolvable: float = 0.05) -> None:
    """Write an ACLED-shaped CSV of ``rows`` records to ``path``."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    places = _places(distinct, seed)
    # Zipf-like popularity: a few places carry many events, as in ACLED.
    rank = rng.zipf(1.3, size=rows) % len(places)
    name, country, admin1, admin2, lat, lon = (np.asarray(col, dtype=object) for col in zip(*places))
    lat, lon = lat.astype("float64")[rank], lon.astype("float64")[rank]
    has = rng.random(rows) < with_coordinates
    junk = rng.random(rows) < unresolvable
    location = name[rank].copy()
    letters = np.array(list("bcdfghjklmnpqrstvwxz"))
    fake = ["Q" + "".join(rng.choice(letters, 7)) + "pur" for _ in range(500)]
    location[junk] = np.asarray(fake, dtype=object)[rng.integers(0, 500, junk.sum())]
    has &= ~junk
    types = np.array(list(EVENT_TYPES), dtype=object)[rng.integers(0, len(EVENT_TYPES), rows)]
    subs = np.array([EVENT_TYPES[t][i % len(EVENT_TYPES[t])] for t, i in
                     zip(types, rng.integers(0, 3, rows))], dtype=object)
    days = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2900, rows), unit="D")
    frame = pd.DataFrame({
        "event_id_cnty": [f"BEN{i}" for i in range(rows)],
        "event_date": days.strftime("%Y-%m-%d"),
        "year": days.year,
        "time_precision": rng.choice([1, 1, 1, 2, 3], rows),
        "disorder_type": "Political violence",
        "event_type": types, "sub_event_type": subs,
        "actor1": np.asarray(ACTORS, dtype=object)[rng.integers(0, len(ACTORS), rows)],
        "actor2": np.asarray(ACTORS, dtype=object)[rng.integers(0, len(ACTORS), rows)],
        "country": country[rank], "admin1": admin1[rank], "admin2": admin2[rank],
        "location": location,
        "latitude": np.where(has, np.round(lat + rng.normal(0, 0.005, rows), 4), np.nan),
        "longitude": np.where(has, np.round(lon + rng.normal(0, 0.005, rows), 4), np.nan),
        "geo_precision": rng.choice([1, 1, 2, 3], rows),
        "source": rng.choice(["Times of India", "Dawn", "Kashmir Observer", "Local partner"], rows),
        "notes": "On " + days.strftime("%d %B %Y") + ", an incident was reported near " + location + ".",
        "fatalities": rng.poisson(0.7, rows),
        "tags": "",
        "timestamp": 1746489600,
    })
    frame.to_csv(path, index=False)


def measure(argv: list[str]) -> tuple[float, float, int, float]:
    """Run a process; return (seconds, peak resident MiB, exit code, CPU seconds).

    CPU seconds (user + system) are the steadier figure on a machine shared with other work.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    return (time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status),
            usage.ru_utime + usage.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["gpkg", "geojson"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/incidentmap-bench"))
    parser.add_argument("--no-floor", action="store_true", help="Skip the geopandas floor.")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    exe = [sys.executable, "-m", "geo"]
    print("rows,format,incidentmap_s,incidentmap_cpu_s,incidentmap_peak_mib,"
          "floor_s,floor_cpu_s,floor_peak_mib,time_ratio,exit")
    for rows in args.rows:
        data = args.workdir / f"acled_{rows}.csv"
        if not data.exists():
            generate(data, rows)
        for fmt in args.formats:
            out = args.workdir / f"out_{rows}.{fmt}"
            ours = measure([*exe, "export", str(data), "-o", str(out), "--force"])
            floor = (float("nan"), float("nan"), 0, float("nan"))
            if not args.no_floor:
                floor_out = args.workdir / f"floor_{rows}.{fmt}"
                floor_out.unlink(missing_ok=True)
                floor = measure([sys.executable, "-c", FLOOR, str(data), str(floor_out)])
            print(f"{rows},{fmt},{ours[0]:.1f},{ours[3]:.1f},{ours[1]:.0f},"
                  f"{floor[0]:.1f},{floor[3]:.1f},{floor[1]:.0f},{ours[0] / floor[0]:.2f},{ours[2]}",
                  flush=True)


if __name__ == "__main__":
    main()
