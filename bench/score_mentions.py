"""Score place-mention recognition and resolution on GeoVirus (or any file in its format).

Each line of the dataset is one gold toponym: doc_id, start, end, name, lat, lon and the whole
article text. Every article is run once through mention finding + joint resolution
(:func:`geo.extract.find_mentions`); demonyms are left out (they are not toponyms) unless
``--with-demonyms``.

Metrics
-------
recognition    a found mention is right when its span overlaps a gold span;
               precision = right / found, recall = gold spans overlapped / gold spans
+ resolution   also within 161 km of the gold point; precision_161 = right and near / found,
               recall_161 = gold spans found and placed within 161 km / gold spans
acc@161        recall_161 (over ALL gold toponyms; unfound ones count as errors), and
               acc@161 over the recognised gold toponyms only

Usage::

    python bench/score_mentions.py [--dataset /work/shared/eval/geovirus.jsonl] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import defaultdict
from pathlib import Path

DEFAULT = Path("/work/shared/eval/geovirus.jsonl")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DEFAULT)
    parser.add_argument("--with-demonyms", action="store_true", help="count demonyms as found mentions")
    parser.add_argument("--errors", type=int, default=0, help="print this many false positives and misses")
    args = parser.parse_args()

    from gazetteer import Gazetteer
    from geo.extract import find_mentions, matcher_for
    from geo.extract_text import Article

    docs: dict[str, dict] = {}
    gold: dict[str, list[dict]] = defaultdict(list)
    for line in args.dataset.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs.setdefault(row["doc_id"], row)
        gold[row["doc_id"]].append(row)

    gz = Gazetteer.load()
    matcher_for(gz)  # build or load the automaton outside the timing
    t0 = time.perf_counter()
    found = n_right = n_right_161 = 0
    gold_hit: dict[str, bool] = {}
    gold_near: dict[str, bool] = {}
    false_pos, misses = [], []
    for doc_id, row in docs.items():
        text = row["text"]
        mentions = [m for m in find_mentions(Article(file=doc_id, text=text), gz)
                    if args.with_demonyms or m.mention.demonym is None]
        for g in gold[doc_id]:
            gold_hit.setdefault(g["id"], False)
            gold_near.setdefault(g["id"], False)
        for m in mentions:
            found += 1
            overlapping = [g for g in gold[doc_id] if m.mention.start < g["end"] and g["start"] < m.mention.end]
            if not overlapping:
                false_pos.append((doc_id, m.mention.surface, text[max(0, m.mention.start - 40):m.mention.end + 40]))
                continue
            n_right += 1
            near = False
            for g in overlapping:
                gold_hit[g["id"]] = True
                if m.place is not None and km(m.place.lat, m.place.lon, g["lat"], g["lon"]) <= 161:
                    gold_near[g["id"]] = True
                    near = True
            n_right_161 += near
    elapsed = time.perf_counter() - t0
    for doc_id, rows in gold.items():
        misses.extend((doc_id, g["name"], docs[doc_id]["text"][max(0, g["start"] - 40):g["end"] + 40])
                      for g in rows if not gold_hit[g["id"]])
    n_gold = len(gold_hit)
    hit, near = sum(gold_hit.values()), sum(gold_near.values())
    chars = sum(len(d["text"]) for d in docs.values())
    print(f"dataset: {args.dataset.name}: {len(docs)} articles, {n_gold} gold toponyms; "
          f"{found} mentions found{' (with demonyms)' if args.with_demonyms else ' (demonyms left out)'}")
    print(f"recognition          precision {n_right / max(found, 1):.3f}  recall {hit / n_gold:.3f}")
    print(f"+ resolution (161km) precision {n_right_161 / max(found, 1):.3f}  recall {near / n_gold:.3f}")
    print(f"acc@161 over all gold toponyms {near / n_gold:.3f}; over recognised ones {near / max(hit, 1):.3f}")
    print(f"time: {elapsed:.2f} s for {len(docs)} articles ({chars / 1e6:.2f} MB): "
          f"{len(docs) / elapsed:.0f} articles/s")
    for title, items in (("false positives", false_pos), ("misses", misses)):
        if args.errors:
            print(f"\n{title} ({len(items)}):")
            for doc_id, name, ctx in items[: args.errors]:
                print(f"  [{doc_id}] {name!r}: ...{' '.join(ctx.split())}...")


if __name__ == "__main__":
    main()
