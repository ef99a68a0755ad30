"""Retrieval evaluation: does the assistant's GROQ retrieval find the passages that answer
real questions about the default content (the Python 3.11 documentation)?

    python benchmarks/retrieval_eval.py [--content dist/|FILE.ndjson] [--config assistant.toml]
                                        [--questions FILE] [--misses] [--json]

For each question of `retrieval_questions.json` (written from the documentation itself; see
`retrieval_questions.md`) it runs the retrieval exactly as the assistant does and reports hit@1
(an answering passage ranked first) and hit@5 (one in the top five), plus query time, twice:
keyword-only (the query's text::semanticSimilarity() rates every passage 0, as when the
browser cannot load the embedding model) and hybrid (the built site's passage vectors, the
question embedded with the browser's int8 model in CPython). Goals: hit@5 >= 0.9 (issue 6),
hybrid better than keyword-only and >= 0.95 (issue 7), counted by answering passage (section).
"By page" counts any passage of an answering page as a hit: shown for comparison only (the
model reads passages, not pages, so a page's wrong section does not answer the question).
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

from app.chat.content_files import load_content, load_semantic  # noqa: E402
from app.chat.retrieval import retrieve  # noqa: E402

QUESTIONS = Path(__file__).with_name("retrieval_questions.json")
# The default content links to the online docs; the question set names pages relative to them.
DOCS_BASE = "https://docs.python.org/3.11/"
DEFAULT_CONTENT = ROOT / "dist"


class NumpyScorer:
    """The vector search of app/embed/vectors.py vectorised for this benchmark (CPython 3.11's
    pure-Python scorer needs ~0.8 s per question; the browser's runs in JavaScript)."""

    def __init__(self, index) -> None:  # type: ignore[no-untyped-def]
        import numpy as np

        rows = np.frombuffer(index.rows, dtype=np.int8).reshape(len(index), index.dim)
        self.matrix = rows.astype(np.float32) * np.asarray(index.scales, np.float32)[:, None]

    def scores(self, query):  # type: ignore[no-untyped-def]
        import numpy as np

        return (self.matrix @ np.asarray(query, np.float32)).tolist()

    def row_scorer(self, query):  # type: ignore[no-untyped-def]
        return self.scores(query).__getitem__

    def top(self, query, k):  # type: ignore[no-untyped-def]
        import numpy as np

        scores = self.matrix @ np.asarray(query, np.float32)
        best = np.argsort(-scores, kind="stable")[:k]
        return [(int(r), float(scores[r])) for r in best]


def _page(url: str) -> str:
    return url.split("#", 1)[0]


def run(questions: list[dict], dataset, settings, semantic) -> tuple[dict, list]:  # type: ignore[no-untyped-def]
    hits1 = hits5 = pages5 = 0
    times, misses = [], []
    for q in questions:
        if semantic is not None:  # embedding the question is timed apart (the browser's too)
            for text in semantic.missing([q["question"]]):
                semantic.add(text, semantic.embed(text))
        t = time.perf_counter()
        found = retrieve(q["question"], dataset, settings, semantic)
        times.append(time.perf_counter() - t)
        urls = [(s.url or "").removeprefix(DOCS_BASE) for s in found.sources[:5]]
        answers = set(q["answers"])
        hits1 += bool(urls[:1] and urls[0] in answers)
        pages5 += bool({_page(a) for a in answers} & {_page(u) for u in urls})
        if answers & set(urls):
            hits5 += 1
        else:
            misses.append((q["question"], found.params["terms"], urls[:3], q["answers"]))
    n = len(questions)
    figures = {
        "hit@1": round(hits1 / n, 3),
        "hit@5": round(hits5 / n, 3),
        "page_hit@5": round(pages5 / n, 3),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }
    return figures, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=DEFAULT_CONTENT)
    parser.add_argument("--config", type=Path, default=None, help="another assistant.toml")
    parser.add_argument(
        "--questions",
        type=Path,
        default=QUESTIONS,
        help="another question set (retrieval_questions_heldout.json: never tuned against)",
    )
    parser.add_argument("--misses", action="store_true", help="list the hybrid misses at 5")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    started = time.perf_counter()
    dataset, settings = load_content(args.content, args.config)
    semantic = load_semantic(args.content)
    if semantic is not None:
        semantic.index.scorer = NumpyScorer(semantic.index)
    load_s = time.perf_counter() - started
    settings = replace(settings, passages=max(5, settings.passages))
    questions = json.loads(args.questions.read_text())
    keyword, _ = run(questions, dataset, settings, None)
    figures = {"questions": len(questions), "documents": len(dataset), "load_s": round(load_s, 2)}
    figures["keyword"] = keyword
    misses: list = []
    if semantic is not None:
        figures["vectors"] = len(semantic.index)
        figures["hybrid"], misses = run(questions, dataset, settings, semantic)
    if args.json:
        print(json.dumps(figures))
        return 0
    print(
        f"{args.questions.name}: {len(questions)} questions over {len(dataset):,} documents "
        f"(loaded in {load_s:.2f} s)"
    )
    rows = [("keyword-only", keyword)]
    if semantic is None:
        print("(no passage vectors in this site: hybrid ranking not measured)")
    else:
        rows.append(("hybrid", figures["hybrid"]))
        print(f"{len(semantic.index):,} passage vectors")
    for name, f in rows:
        print(
            f"{name:13s} hit@1 {f['hit@1']:.3f}   hit@5 {f['hit@5']:.3f}   "
            f"(by page {f['page_hit@5']:.3f})   "
            f"query median {f['median_ms']} ms, max {f['max_ms']} ms (CPython)"
        )
    if semantic is not None:
        ratio = figures["hybrid"]["hit@5"] / max(keyword["hit@5"], 1e-9)
        print(f"hybrid / keyword hit@5: {ratio:.2f}x   (goals: hit@5 >= 0.9; hybrid >= 0.95)")
    if args.misses:
        for question, terms, got, want in misses:
            print(f"\nMISS {question}\n  terms: {terms}\n  got:   {got}\n  want:  {want}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
