"""`python -m app.chat`: sources as JSON, `/groq`, and a real answer from the CPython model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _chat(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.chat", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_retrieve_only_json_from_an_export(export: Path) -> None:
    done = _chat("--content", str(export), "--retrieve-only", "--json", "read a file line by line")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows[0]["_id"] == "docSection.io.methods"
    assert set(rows[0]) == {"_id", "title", "url", "score"}
    assert rows[0]["url"] == "io.html#methods"


def test_retrieve_only_from_the_built_site(built_site: Path) -> None:
    """The built site ranks by meaning too: its vectors, and the question embedded in CPython
    with the browser's model (keyword ranking alone finds no answering passage for it)."""
    done = _chat(
        "--content",
        str(built_site),
        "--retrieve-only",
        "--json",
        "How do I get rid of repeated items in a list?",
    )
    assert done.returncode == 0, done.stderr
    urls = [row["url"] for row in json.loads(done.stdout)]
    assert any("how-do-you-remove-duplicates-from-a-list" in u for u in urls), urls


def test_groq_command_and_its_errors(export: Path) -> None:
    done = _chat("--content", str(export), '/groq count(*[_type == "docSection"])')
    assert done.returncode == 0 and json.loads(done.stdout) == 2
    bad = _chat("--content", str(export), "/groq *[_type == ")
    assert bad.returncode == 1 and "^" in bad.stderr


def test_missing_content_says_what_to_do(tmp_path: Path) -> None:
    done = _chat("--content", str(tmp_path), "--retrieve-only", "anything")
    assert done.returncode == 1 and "python -m wasm_build" in done.stderr


def test_answers_with_the_real_model_and_lists_its_sources(export: Path) -> None:
    done = _chat(
        "--content",
        str(export),
        "--json",
        "--max-tokens",
        "24",
        "How do I read a file line by line?",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["text"].strip()
    assert result["sources"][0]["_id"] == "docSection.io.methods"
