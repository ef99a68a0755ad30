"""Retrieval evaluation: does the assistant's GROQ retrieval find the passages that answer
real questions about the default content (the Python 3.11 documentation)?

    python benchmarks/retrieval_eval.py [--content dist/|FILE.ndjson] [--config assistant.toml]
                                        [--misses] [--json]

For each question of `retrieval_questions.json` (written from the documentation itself; see
`retrieval_questions.md`) it runs the retrieval exactly as the assistant does and reports hit@1
(an answering passage ranked first) and hit@5 (one in the top five), plus query time. Goal:
hit@5 >= 0.9.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.chat.content_files import load_content  # noqa: E402
from app.chat.retrieval import retrieve  # noqa: E402

QUESTIONS = Path(__file__).with_name("retrieval_questions.json")
# The default content links to the online docs; the question set names pages relative to them.
DOCS_BASE = "https://docs.python.org/3.11/"
DEFAULT_CONTENT = ROOT / "dist"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT)
    parser.add_argument("--config", type=Path, default=None, help="another assistant.toml")
    parser.add_argument("--misses", action="store_true", help="list the questions missed at 5")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    started = time.perf_counter()
    dataset, settings = load_content(args.content, args.config)
    load_s = time.perf_counter() - started
    settings = replace(settings, passages=max(5, settings.passages))
    questions = json.loads(QUESTIONS.read_text())
    hits1 = hits5 = 0
    times, misses = [], []
    for q in questions:
        t = time.perf_counter()
        found = retrieve(q["question"], dataset, settings)
        times.append(time.perf_counter() - t)
        urls = [(s.url or "").removeprefix(DOCS_BASE) for s in found.sources[:5]]
        answers = set(q["answers"])
        hits1 += bool(urls[:1] and urls[0] in answers)
        if answers & set(urls):
            hits5 += 1
        else:
            misses.append((q["question"], found.params["terms"], urls[:3], q["answers"]))
    n = len(questions)
    figures = {
        "questions": n,
        "hit@1": round(hits1 / n, 3),
        "hit@5": round(hits5 / n, 3),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "documents": len(dataset),
        "load_s": round(load_s, 2),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"{n} questions over {len(dataset):,} documents (loaded in {load_s:.2f} s)")
        print(f"hit@1 {figures['hit@1']:.3f}   hit@5 {figures['hit@5']:.3f}   (goal hit@5 >= 0.9)")
        print(f"query time: median {figures['median_ms']} ms, max {figures['max_ms']} ms (CPython)")
    if args.misses:
        for question, terms, got, want in misses:
            print(f"\nMISS {question}\n  terms: {terms}\n  got:   {got}\n  want:  {want}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
