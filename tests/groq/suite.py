"""Loading and judging the official GROQ test suite (shared by the runner and its summary)."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.content import Dataset
from app.groq import GroqError, evaluate

OUT_OF_SCOPE_PREFIXES = ("perf/",)


@dataclass
class Suite:
    datasets: dict[str, list]
    url_only: set[str]
    by_file: dict[str, list[dict]]
    excluded: list[tuple[str, str]] = field(default_factory=list)


def load_suite(path: Path) -> Suite:
    datasets: dict[str, list] = {}
    url_only: set[str] = set()
    tests: list[dict] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            if entry.get("_type") == "dataset":
                docs = entry.get("documents")
                if docs is None and str(entry.get("url", "")).startswith("http"):
                    url_only.add(entry["_id"])
                datasets[entry["_id"]] = sorted(docs or [], key=lambda d: d.get("_id", ""))
            else:
                tests.append(entry)
    suite = Suite(datasets, url_only, defaultdict(list))
    for test in tests:
        reason = exclusion_reason(test, url_only)
        if reason:
            suite.excluded.append((test["_id"], reason))
        else:
            suite.by_file[test["filename"]].append(test)
    return suite


def exclusion_reason(test: dict, url_only: set[str]) -> str | None:
    if "0.1" in str(test.get("version") or ""):
        return "GROQ 0.1 semantics (out of scope)"
    if test["filename"].startswith(OUT_OF_SCOPE_PREFIXES):
        return "perf/ test over the movies dataset, only referenced by URL (out of scope)"
    if test["dataset"]["_ref"] in url_only:
        return "dataset only referenced by URL (out of scope)"
    return None


def score_ranks(value: object) -> object:
    """Replaces `_score` by `_pos`, the rank among distinct scores (1 = best): the suite
    records ranks, since raw scores are implementation-specific."""
    if isinstance(value, list):
        scores = sorted(
            {v["_score"] for v in value if isinstance(v, dict) and "_score" in v}, reverse=True
        )
        if not scores:
            return [score_ranks(v) for v in value]
        rank = {s: i for i, s in enumerate(scores, start=1)}
        out = []
        for v in value:
            if isinstance(v, dict) and "_score" in v:
                v = {k: x for k, x in v.items() if k != "_score"} | {"_pos": rank[v["_score"]]}
            out.append(v)
        return out
    if isinstance(value, dict):
        return {k: score_ranks(v) for k, v in value.items()}
    return value


def strictly_equal(a: object, b: object) -> bool:
    """JSON equality without Python's loose spots (True == 1, 1 == 1.0 stays equal: JSON has
    one number type)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)  # GROQ (and JSON here) numbers are IEEE doubles
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


class Runner:
    """Runs suite cases over plain lists (no planner) or indexed Datasets (planner on)."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite
        self.indexed: dict[str, Dataset] = {}

    def dataset(self, ref: str, planner: bool) -> list | Dataset:
        docs = self.suite.datasets[ref]
        if not planner:
            return docs
        if ref not in self.indexed:
            self.indexed[ref] = Dataset(docs)
        return self.indexed[ref]

    def run(self, test: dict, planner: bool) -> str | None:
        """None when the case passes, otherwise why it failed."""
        data = self.dataset(test["dataset"]["_ref"], planner)
        try:
            result = evaluate(test["query"], data, params=test.get("params") or {}, planner=planner)
        except GroqError as exc:
            if not test["valid"]:
                return None
            return f"raised {type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - a crash is a failure to report, not to hide
            return f"crashed with {type(exc).__name__}: {exc}"
        if not test["valid"]:
            return "expected an error, got a result"
        actual = score_ranks(json.loads(json.dumps(result)))
        if strictly_equal(actual, test["result"]):
            return None
        return f"expected {json.dumps(test['result'])[:300]}, got {json.dumps(actual)[:300]}"
