"""GROQ engine benchmark: app.groq (CPython) against groq-js (Node) on the same data.

    .venv/bin/python benchmarks/groq_bench.py [--docs 100000] [--repeats 5] [--skip-node]

Generates a Sanity-like dataset (posts with Portable Text bodies, authors, categories,
references), installs groq-js with npm under build/groq-bench/ (pinned in
benchmarks/groq/package.json), runs a fixed query set in both engines in the same run,
checks that the results are equal, and prints per-query medians and the ratio
(groq-js time / our time: above 1 means we are faster). Index building is reported on its
own line; query times include parsing and compiling, as in groq-js.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.content import Dataset  # noqa: E402
from app.groq import Limits, evaluate  # noqa: E402

BUILD = ROOT / "build" / "groq-bench"
UNBOUNDED = Limits(max_steps=10**12)
WORDS = (
    "sanity groq content lake query studio schema document portable text block span image "
    "reference author category post draft release preview deploy static site search vector "
    "model browser python worker index planner fast slow river mountain coffee garden"
).split()

# (name, kind, query, params): "indexed" queries should be answered from indexes,
# "scan" queries must look at many documents whatever the engine.
QUERIES: list[tuple[str, str, str, dict]] = [
    ("by-id", "indexed", "*[_id == $id][0]{title, slug}", {"id": "post-4242"}),
    (
        "ids-in",
        "indexed",
        "*[_id in $ids]{_id, title}",
        {"ids": [f"post-{i}" for i in range(0, 5000, 250)]},
    ),
    ("type-small", "indexed", '*[_type == "author"]{_id, name}', {}),
    ("count-type", "indexed", 'count(*[_type == "post"])', {}),
    (
        "latest-10",
        "indexed",
        '*[_type == "post"] | order(publishedAt desc)[0...10]{title, publishedAt}',
        {},
    ),
    (
        "references",
        "indexed",
        '*[_type == "post" && references($author)]._id',
        {"author": "author-7"},
    ),
    ("first-match", "indexed", '*[_type == "category"][0]._id', {}),
    (
        "join-one",
        "indexed",
        '*[_id == $id]{title, "author": author->name, "cats": categories[]->title}',
        {"id": "post-77"},
    ),
    ("filter-range", "scan", '*[_type == "post" && popularity > 95]._id', {}),
    (
        "projection",
        "scan",
        '*[_type == "post" && popularity > 80]{title, "slug": slug.current}',
        {},
    ),
    ("match-title", "scan", '*[_type == "post" && title match "river*"]._id', {}),
    (
        "order-full",
        "scan",
        '*[_type == "post" && popularity > 90] | order(popularity desc, _id)._id',
        {},
    ),
    ("pt-text", "scan", '*[_type == "post" && popularity > 97]{"text": pt::text(body)}', {}),
    (
        "join-many",
        "scan",
        '*[_type == "post" && popularity > 97]{title, "author": author->name}',
        {},
    ),
    (
        "agg-author",
        "scan",
        '*[_type == "author"][0...20]'
        '{name, "posts": count(*[_type == "post" && author._ref == ^._id])}',
        {},
    ),
]


def generate(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    authors = max(1, n // 100)
    categories = max(1, n // 1000)
    docs: list[dict] = []
    for i in range(authors):
        docs.append(
            {
                "_id": f"author-{i}",
                "_type": "author",
                "name": f"Author {i}",
                "bio": " ".join(rng.choices(WORDS, k=12)),
            }
        )
    for i in range(categories):
        docs.append(
            {"_id": f"category-{i}", "_type": "category", "title": rng.choice(WORDS).title()}
        )
    for i in range(n - authors - categories):
        words = rng.choices(WORDS, k=rng.randint(3, 8))
        body = [
            {
                "_type": "block",
                "_key": f"b{j}",
                "style": "normal",
                "children": [
                    {
                        "_type": "span",
                        "_key": f"s{j}",
                        "text": " ".join(rng.choices(WORDS, k=15)),
                        "marks": [],
                    }
                ],
                "markDefs": [],
            }
            for j in range(rng.randint(1, 4))
        ]
        docs.append(
            {
                "_id": f"post-{i}",
                "_type": "post",
                "title": " ".join(words).capitalize(),
                "slug": {"_type": "slug", "current": "-".join(words)},
                "publishedAt": _random_timestamp(rng),
                "popularity": rng.randint(0, 100),
                "author": {"_type": "reference", "_ref": f"author-{rng.randrange(authors)}"},
                "categories": [
                    {
                        "_type": "reference",
                        "_key": f"c{k}",
                        "_ref": f"category-{rng.randrange(categories)}",
                    }
                    for k in range(rng.randint(0, 3))
                ],
                "body": body,
            }
        )
    rng.shuffle(docs)
    return docs


def _random_timestamp(rng: random.Random) -> str:
    year, month, day = rng.randint(2010, 2025), rng.randint(1, 12), rng.randint(1, 28)
    return f"{year}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:00:00Z"


def same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


class NodeBaseline:
    """groq-js in Node, installed under build/ and run one query at a time, right after
    app.groq ran it, so both see the same machine load."""

    def __init__(self, docs: list[dict]) -> None:
        if shutil.which("node") is None or shutil.which("npm") is None:
            raise SystemExit("node and npm are needed for the groq-js baseline (or --skip-node)")
        BUILD.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "run_groq_js.mjs"):
            shutil.copy(ROOT / "benchmarks" / "groq" / name, BUILD / name)
        if not (BUILD / "node_modules" / "groq-js").exists():
            print("installing groq-js with npm ...", file=sys.stderr)
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=BUILD, check=True
            )
        (BUILD / "dataset.json").write_text(json.dumps(docs), encoding="utf-8")
        queries = [{"name": n, "query": q, "params": p} for n, _, q, p in QUERIES]
        (BUILD / "queries.json").write_text(json.dumps(queries), encoding="utf-8")

    def run(self, name: str, repeats: int) -> dict:
        proc = subprocess.run(
            [
                "node",
                "--max-old-space-size=4096",
                "run_groq_js.mjs",
                "dataset.json",
                "queries.json",
                str(repeats),
                name,
            ],
            cwd=BUILD,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(proc.stdout)[name]


def time_ours(docs: list, dataset: Dataset, query: str, params: dict, repeats: int) -> dict:
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = evaluate(query, dataset, params=params)
        times.append((time.perf_counter() - start) * 1000)
    # The plain reference evaluation must agree; it may scan far more, so no step budget.
    unplanned = evaluate(query, docs, params=params, planner=False, limits=UNBOUNDED)
    return {"result": result, "times_ms": times, "unplanned_equal": same(result, unplanned)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-node", action="store_true", help="only time app.groq")
    args = parser.parse_args()

    docs = generate(args.docs)
    start = time.perf_counter()
    dataset = Dataset(docs)
    dataset.sorted_by("publishedAt", True)
    build_ms = (time.perf_counter() - start) * 1000
    print(
        f"dataset: {len(docs):,} documents; "
        f"Dataset() + publishedAt column built in {build_ms:.0f} ms"
    )

    node = None if args.skip_node else NodeBaseline(docs)
    header = f"{'query':<14}{'kind':<9}{'app.groq ms':>12}{'groq-js ms':>12}{'ratio':>10}  equal"
    print(header)
    print("-" * len(header))
    failures = 0
    for name, kind, query, params in QUERIES:
        ours = time_ours(docs, dataset, query, params, args.repeats)
        mine = statistics.median(ours["times_ms"])
        if node is not None:
            theirs = node.run(name, args.repeats)
            js = statistics.median(theirs["times_ms"])
            equal = same(ours["result"], theirs["result"]) and ours["unplanned_equal"]
            ratio = f"{js / mine:>9.1f}x"
            js_text = f"{js:>12.2f}"
        else:
            equal = ours["unplanned_equal"]
            ratio, js_text = f"{'-':>10}", f"{'-':>12}"
        failures += not equal
        print(f"{name:<14}{kind:<9}{mine:>12.2f}{js_text}{ratio}  {'yes' if equal else 'NO'}")
    print("ratio = groq-js median / app.groq median (above 1: app.groq is faster)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
