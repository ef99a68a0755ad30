"""Parity on texts nobody wrote for a tokenizer test: this repository's own files and the team's
shared data (Markdown cases, XSS payloads, a Sanity export, GROQ queries).

The hand-written corpus aims at the hard cases; these add volume and the shapes real prompts have.
"""

from __future__ import annotations

import gzip
import json
import tarfile

import pytest

from tests.conftest import ROOT, shared_file
from tests.model.tokenizer_support import SPLITS, our_tokenizer, reference_ids

TEXT_SUFFIXES = {".py", ".js", ".mjs", ".md", ".html", ".css", ".toml", ".json", ".txt", ".yml"}


def _repository_texts() -> list[str]:
    texts = []
    for folder in ("app", "wasm_build", "web", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in TEXT_SUFFIXES and path.is_file() and path.stat().st_size < 300_000:
                try:
                    texts.append(path.read_text(encoding="utf-8"))
                except UnicodeDecodeError:
                    continue
    return texts


def _markdown_cases() -> list[str]:
    cases = json.loads(shared_file("streaming-markdown/cases.json").read_text(encoding="utf-8"))
    return [case["markdown"] for case in cases]


def _xss_payloads() -> list[str]:
    data = json.loads(shared_file("xss/dompurify-payloads.json").read_text(encoding="utf-8"))
    return [item["payload"] for item in data]


def _sanity_export() -> list[str]:
    with tarfile.open(shared_file("sanity-export/nextjs-clean-sample.tar.gz")) as tar:
        for member in tar.getmembers():
            if member.name.endswith("data.ndjson"):
                raw = tar.extractfile(member).read().decode("utf-8")
                return raw.splitlines(keepends=True) + [raw]
    raise AssertionError("the Sanity export has no data.ndjson")


def _groq_queries() -> list[str]:
    # A few generated queries run to megabytes of one repeated shape; the prompt-sized rest is
    # what matters here (and keeps the reference's run time down).
    queries: dict[str, None] = {}
    with gzip.open(shared_file("groq-test-suite/suite.ndjson.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            entry = json.loads(line)
            query = entry.get("query") if entry.get("_type") == "test" else None
            if isinstance(query, str) and len(query) <= 4000:
                queries[query] = None
    return list(queries)


SOURCES = {
    "repository": _repository_texts,
    "markdown-cases": _markdown_cases,
    "xss-payloads": _xss_payloads,
    "sanity-export": _sanity_export,
    "groq-queries": _groq_queries,
}


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("source", list(SOURCES))
def test_real_texts_match_reference(source: str, split: str) -> None:
    texts = SOURCES[source]()
    assert len(texts) > 10, f"{source}: too few texts to mean anything"
    tok = our_tokenizer(split)
    bad = [t[:120] for t in texts if tok.encode(t) != reference_ids(t, split)]
    assert not bad, f"{source}: {len(bad)} of {len(texts)} texts differ; first: {bad[:3]}"
    assert all(tok.decode(tok.encode(t)) == t for t in texts)
