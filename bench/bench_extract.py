"""Benchmark article extraction: articles per second in one process, beside the naive way.

Generated articles of about 3 KB (news-style sentences naming 8 places each, drawn from the
bundled gazetteer, with dates and casualty figures) go through

* ``mentions``: the Aho-Corasick mention finder alone;
* ``extract``: the whole extraction (mentions, joint resolution, dates, incidents, records);
* ``naive``: a regular-expression scan for every gazetteer name (``\\bname\\b``, case-insensitive).
  Compiling and running ~660k patterns per article is too slow to run whole, so a random sample
  of names is timed and the time scaled to all names (stated in the output).

Also the automaton: building it from ``Gazetteer.names()`` versus loading the on-disk cache.

Usage::

    python bench/bench_extract.py [--articles 600] [--naive-names 20000] [--naive-articles 20]
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time

SENTENCES = [
    "{place} , {date}: Security forces exchanged fire with militants near {place2} on {weekday}, officials said.",
    "According to the police, {n} people were killed and {m} injured when a bomb went off in {place}.",
    "The minister held talks with his counterpart in {place} on {weekday} and discussed regional security.",
    "Residents of {place} held a protest march against the shelling of border villages.",
    "Heavy shelling from across the border damaged houses in several villages, including {place}, {place2} and {place3}.",
    "The district administration said relief camps had been set up for families who fled {place}.",
    "Schools in {place} remained closed for the third day as a precaution, a spokesman told reporters.",
    "The army said its troops responded in a measured manner and that the situation was under control.",
    "In November 2024, a similar incident in {place} claimed {n} lives, according to local media.",
    "Officials in {place} said the ceasefire had been violated for {n} consecutive days.",
    "Traders in {place2} complained that the closure of the highway to {place} had cut supplies.",
    "A senior official, who spoke on condition of anonymity, said the investigation was continuing.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def place_pool(gz, size: int, rng: random.Random) -> list[str]:
    """Display names of populated places and areas, drawn from the gazetteer's own names."""
    pool = [p.name for p in (gz.resolve(n).place for n in (
        "Kupwara", "Baramulla", "Poonch", "Rajouri", "Mendhar", "Nowshera", "Akhnoor", "Jammu",
        "Srinagar", "Lahore", "Karachi", "Peshawar", "Kabul", "Dhaka", "Kathmandu", "Colombo",
        "Mumbai", "Chennai", "Kolkata", "Delhi", "Muzaffarabad", "Kotli", "Uri", "Quetta")) if p]
    keys = [k for k, w in gz.names() if w > 0.5 and " " not in k and len(k) > 4]
    for key in rng.sample(keys, min(size, len(keys))):
        pool.append(key.title())
    return pool


def make_articles(count: int, pool: list[str], rng: random.Random, size: int = 3000,
                  distinct: int = 8) -> list[str]:
    """`count` articles of about `size` characters, each opening with a metadata line and a
    dateline and naming `distinct` places of the pool (news names a few places, repeatedly)."""
    articles = []
    for _ in range(count):
        places = rng.sample(pool, distinct)
        parts = [f"date 2025-05-{rng.randint(1, 28):02d}\n{rng.choice(places)}, May {rng.randint(1, 28)}\n"]
        while sum(map(len, parts)) < size:
            template = rng.choice(SENTENCES)
            parts.append(template.format(
                place=rng.choice(places), place2=rng.choice(places), place3=rng.choice(places),
                date=f"May {rng.randint(1, 28)}", weekday=rng.choice(WEEKDAYS),
                n=rng.randint(2, 30), m=rng.randint(2, 30)) + (" " if rng.random() < 0.8 else "\n\n"))
        articles.append("".join(parts)[:size])
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--naive-names", type=int, default=20000, help="names sampled for the naive scan")
    parser.add_argument("--naive-articles", type=int, default=20)
    args = parser.parse_args()

    from gazetteer import Gazetteer
    from gazetteer.mentions import MentionMatcher
    from geo.extract import _gazetteer_digest, extract_article, matcher_for
    from geo.extract_text import Article, parse_header

    rng = random.Random(20250505)
    gz = Gazetteer.load()
    names = list(gz.names())

    t = time.perf_counter()
    MentionMatcher(names)
    build = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as cache:
        import os

        os.environ["XDG_CACHE_HOME"] = cache
        MentionMatcher.cached(names, _gazetteer_digest(gz))
        t = time.perf_counter()
        MentionMatcher.cached([], _gazetteer_digest(gz))
        load = time.perf_counter() - t
        del os.environ["XDG_CACHE_HOME"]
    print(f"automaton over {len(names):,} names: build {build:.2f} s, load from cache {load:.2f} s "
          f"({build / load:.1f}x faster)")

    texts = make_articles(args.articles, place_pool(gz, 3000, rng), rng)
    mb = sum(map(len, texts)) / 1e6
    matcher = matcher_for(gz)
    for text in texts[:20]:  # warm the resolver's caches as a long run would
        matcher.find(text)

    t = time.perf_counter()
    n_mentions = sum(len(matcher.find(text)) for text in texts)
    t_mentions = time.perf_counter() - t

    spent = [0.0]
    resolve_document = gz.resolve_document

    def timed(*a, **k):  # time the gazetteer's joint resolution inside the whole extraction
        t0 = time.perf_counter()
        try:
            return resolve_document(*a, **k)
        finally:
            spent[0] += time.perf_counter() - t0
    gz.resolve_document = timed
    t = time.perf_counter()
    n_records = 0
    for i, text in enumerate(texts):
        article = Article(f"bench-{i}.txt", text)
        parse_header(article)
        n_records += len(extract_article(article, gz).records)
    t_extract = time.perf_counter() - t

    sample = rng.sample([k for k, _ in names], min(args.naive_names, len(names)))
    patterns = [re.compile(r"\b" + re.escape(k) + r"\b", re.I) for k in sample]
    naive_texts = texts[: args.naive_articles]
    t = time.perf_counter()
    for text in naive_texts:
        for p in patterns:
            p.search(text)
    t_naive_sample = time.perf_counter() - t
    per_article_naive = t_naive_sample / len(naive_texts) * len(names) / len(sample)

    n = len(texts)
    rate_m, rate_x, rate_naive = n / t_mentions, n / t_extract, 1 / per_article_naive
    print(f"{n} generated articles, {mb * 1e6 / n:,.0f} characters each ({mb:.2f} MB): "
          f"{n_mentions:,} mentions, {n_records:,} records")
    print(f"mentions only     {rate_m:8.0f} articles/s")
    print(f"whole extraction  {rate_x:8.0f} articles/s   (target >= 300); {spent[0] / t_extract:.0%} of it in "
          f"Gazetteer.resolve_document, {n / (t_extract - spent[0]):.0f} articles/s without it")
    print(f"naive regex scan  {rate_naive:8.3f} articles/s   ({len(sample):,} of {len(names):,} name patterns "
          f"timed on {len(naive_texts)} articles, scaled to all names; search only, compiling excluded)")
    print(f"ratio: mentions {rate_m / rate_naive:,.0f}x, whole extraction {rate_x / rate_naive:,.0f}x the naive scan")


if __name__ == "__main__":
    main()
