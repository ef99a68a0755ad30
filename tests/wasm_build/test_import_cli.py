"""`python -m wasm_build import ...` and fetching the default content."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_file
from wasm_build.importers import ContentImportError, cli, ensure_python_docs, import_docs, main
from wasm_build.importers.output import encode_ndjson

DATA = Path(__file__).parent / "data"


def test_import_sanity_export(tmp_path, capsys):
    out = tmp_path / "site" / "content.ndjson"
    export = shared_file("sanity-export/nextjs-clean-sample.tar.gz")
    assert main(["import", "sanity", str(export), "--out", str(out)]) == 0
    said = capsys.readouterr()
    assert "17 documents (0 drafts, 0 release versions), 6 asset files" in said.out
    assert "holds credentials and is not shipped" in said.err
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["_id"] for d in docs] == sorted(d["_id"] for d in docs)
    assets = [d for d in docs if d["_type"] == "sanity.imageAsset"]
    assert len(assets) == 6
    for asset in assets:
        assert (out.parent / asset["url"]).stat().st_size == asset["size"]


def test_import_docs_folder(tmp_path, capsys):
    out = tmp_path / "docs.ndjson"
    folder = DATA / "docs_sphinx"
    assert main(["docs", str(folder), "--base-url", "/docs/", "--out", str(out)]) == 0
    assert "6 pages, 16 sections" in capsys.readouterr().out
    expected, _ = import_docs(folder, base_url="/docs/")
    assert out.read_bytes() == encode_ndjson(expected.documents)


def test_docs_without_a_folder_imports_the_python_docs(tmp_path, monkeypatch, capsys):
    # The real folder is exercised by test_import_python_docs; here only the wiring is checked.
    calls = []

    def fake_ensure(build_dir):
        calls.append(build_dir)
        return DATA / "docs_markdown"

    monkeypatch.setattr(cli, "ensure_python_docs", fake_ensure)
    out = tmp_path / "default.ndjson"
    build = tmp_path / "build"
    assert main(["python-docs", "--out", str(out), "--build-dir", str(build)]) == 0
    assert calls == [build]
    assert "5 pages, 13 sections" in capsys.readouterr().out


def test_failed_import_leaves_the_previous_output_untouched(tmp_path, capsys):
    bad = tmp_path / "data.ndjson"
    bad.write_text('{"_id": "a", "_type": "post"}\n{"_id": "b", "_type": \n')
    out = tmp_path / "content.ndjson"
    out.write_text("previous\n")
    assert main(["sanity", str(bad), "--out", str(out)]) == 1
    assert f"{bad}:2: not valid JSON" in capsys.readouterr().err
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content.ndjson", "data.ndjson"]


def test_usage_errors(capsys):
    assert main(["import", "wordpress", "x"]) == 2
    assert main(["sanity", "x.ndjson"]) == 2  # --out is required
    assert "--out" in capsys.readouterr().err


def test_runs_as_a_module(tmp_path):
    out = tmp_path / "docs.ndjson"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wasm_build.importers",
            "docs",
            str(DATA / "docs_markdown"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(out.read_text().splitlines()) == 18


def test_python_docs_are_fetched_and_unpacked_when_absent(tmp_path):
    html = ensure_python_docs(tmp_path / "build", installed=tmp_path / "not-installed")
    assert html == tmp_path / "build" / "python3.11-doc" / "usr/share/doc/python3.11/html"
    assert (html / "library" / "functions.html").is_file()
    assert len(list((tmp_path / "build" / "downloads").glob("python3.11-doc_*.deb"))) == 1
    # A second call reuses what is there.
    assert ensure_python_docs(tmp_path / "build", installed=tmp_path / "not-installed") == html


def test_missing_apt_is_reported_clearly(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda tool: None)
    with pytest.raises(ContentImportError, match="apt-get is not available.*import docs"):
        ensure_python_docs(tmp_path, installed=tmp_path / "absent")
